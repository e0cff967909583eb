package org.mnemo.launcher;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.mnemo.gateway.ingest.FileTypes;

/**
 * {@code ./mnemo ingest --exclude GLOB}: a glob matches the path below the folder given on the command line
 * ({@code drafts/**}, {@code **}{@code /*.tmp}) or any single name on it ({@code node_modules}, {@code *.log}, {@code .*});
 * folders that match are not walked into at all.
 */
final class Exclusions {
    private final List<PathMatcher> matchers = new ArrayList<>();
    private int skipped;

    Exclusions(List<String> globs) {
        for (String glob : globs) {
            if (glob.isBlank()) {
                throw new IllegalArgumentException("--exclude needs a glob, e.g. '*.log' or 'drafts/**'");
            }
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        }
    }

    /** The supported files under {@code root} (or root itself, a file) that no glob excludes, sorted. */
    List<Path> supportedFiles(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                if (!dir.equals(root) && excluded(root.relativize(dir))) {
                    skipped++;
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (!attributes.isRegularFile() || FileTypes.ofName(file.toString()) == null) {
                    return FileVisitResult.CONTINUE;
                }
                Path relative = file.equals(root) ? file.getFileName() : root.relativize(file);
                if (excluded(relative)) {
                    skipped++;
                } else {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(null);
        return files;
    }

    int skipped() {
        return skipped;
    }

    boolean excluded(Path relative) {
        for (PathMatcher matcher : matchers) {
            if (matcher.matches(relative)) {
                return true;
            }
            for (Path name : relative) {
                if (matcher.matches(name)) {
                    return true;
                }
            }
        }
        return false;
    }
}
