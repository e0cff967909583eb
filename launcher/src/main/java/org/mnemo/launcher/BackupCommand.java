package org.mnemo.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mnemo.launcher.backup.Backups;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description = "Back up the embedded server's database (stop ./mnemo serve first) into a new "
                + "mnemo-backup-<time> folder of DIR: Neo4j's dump, a manifest of counts, versions and checksums, "
                + "and the key that seals the team signing keys. --verify checks backups without restoring them; "
                + "--prune applies a retention policy (a dry run unless --apply).")
final class BackupCommand implements Callable<Integer> {

    @Parameters(
            paramLabel = "DIR",
            description = "Folder of backups (or, with --verify, one backup or a folder of " + "them).")
    Path dir;

    @Option(names = "--data", description = "Data directory (default ./data; env MNEMO_DATA).")
    Path data;

    @Option(names = "--verify", description = "Check backups (checksums, a readable dump) without restoring.")
    boolean verify;

    @Option(names = "--prune", description = "Delete backups outside the retention policy (dry run unless --apply).")
    boolean prune;

    @Option(
            names = "--keep-daily",
            defaultValue = "7",
            description = "Newest backup of each of the last N days " + "(default ${DEFAULT-VALUE}).")
    int daily;

    @Option(
            names = "--keep-weekly",
            defaultValue = "4",
            description = "… of the last N weeks (default " + "${DEFAULT-VALUE}).")
    int weekly;

    @Option(
            names = "--keep-monthly",
            defaultValue = "6",
            description = "… of the last N months (default " + "${DEFAULT-VALUE}).")
    int monthly;

    @Option(names = "--apply", description = "With --prune: really delete.")
    boolean apply;

    @Override
    public Integer call() throws Exception {
        if (verify) {
            List<Path> backups = dir.resolve(Backups.MANIFEST).toFile().isFile() ? List.of(dir) : Backups.list(dir);
            if (backups.isEmpty()) {
                System.err.println("no backups in " + dir);
                return 1;
            }
            int bad = 0;
            for (Path backup : backups) {
                List<String> problems = Backups.verify(backup);
                System.out.println((problems.isEmpty() ? "ok      " : "BROKEN  ")
                        + backup
                        + (problems.isEmpty() ? "" : ": " + String.join("; ", problems)));
                bad += problems.isEmpty() ? 0 : 1;
            }
            return bad == 0 ? 0 : 1;
        }
        if (prune) {
            List<Path> doomed = Backups.prune(dir, daily, weekly, monthly, apply);
            doomed.forEach(b -> System.out.println((apply ? "deleted " : "would delete ") + b));
            if (!apply && !doomed.isEmpty()) {
                System.out.println("(dry run: add --apply to delete)");
            }
            return 0;
        }
        Environment.useMnemoConfig();
        Backups.backup(
                data != null ? data.toAbsolutePath() : Environment.dataDir(),
                Environment.pluginsDir(),
                dir,
                System.out);
        return 0;
    }
}
