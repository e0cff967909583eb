package org.mnemo.gateway.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.mnemo.gateway.auth.Tokens;
import org.mnemo.gateway.config.GatewayConfig;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Where an upload's bytes wait for their job: the upload bucket when one is configured (every gateway reaches
 * it), else a spool directory on this machine. The job keeps only a reference ({@code s3://bucket/key} or
 * {@code spool:<spool id>/<name>}) beside its size and hash. A spool's id is kept in the directory, so the
 * processes that spool into one directory (./mnemo serve and ./mnemo ingest) share it, and a gateway claims only
 * jobs whose reference starts with one of {@link #reachable()}. Names are random UUIDs; files appear whole (written
 * aside, then moved) and only the owner can read them.
 */
public final class UploadStore {
    /** The error code of a job whose bytes are gone (a wiped spool, a deleted object). */
    static final String MISSING = "upload_missing";
    /** The error code of a job whose bytes no longer have the hash they were uploaded with. */
    static final String CORRUPT = "upload_corrupt";

    private static final String SPOOL = "spool:";
    private static final String ID_FILE = "spool-id";
    private static final String SUFFIX = ".upload";
    private static final String PARTIAL = ".part";
    private static final String NAME = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\" + SUFFIX;
    /** A partial file older than this was left by a crash mid-write. */
    private static final Duration ABANDONED = Duration.ofHours(1);

    private static final boolean POSIX =
            java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    /** Storing an upload's bytes failed: the upload is refused (503), no job is created. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The owner's uploads waiting in the store would pass MNEMO_UPLOAD_MAX_PENDING_BYTES: refused (429). */
    public static final class QuotaExceeded extends RuntimeException {
        QuotaExceeded(String message) {
            super(message);
        }
    }

    private final Buckets buckets;
    private final GatewayConfig.Bucket bucket;
    private final Path spool;
    private volatile String spoolId;

    UploadStore(GatewayConfig.Ingest config, Buckets buckets) {
        this.buckets = buckets;
        this.bucket = config.uploadBucket();
        this.spool = config.uploadSpool();
    }

    /** Stores the bytes under a new unguessable name and returns the reference the job keeps. */
    String put(byte[] content) {
        String name = UUID.randomUUID() + SUFFIX;
        if (bucket != null) {
            String key = bucket.keyPrefix() + name;
            try {
                buckets.put(bucket, key, content);
            } catch (SdkException e) {
                throw new Unavailable(
                        "storing the upload in s3://" + bucket.bucket() + " (MNEMO_UPLOAD_BUCKET) " + "failed: "
                                + e.getMessage(),
                        e);
            }
            return "s3://" + bucket.bucket() + "/" + key;
        }
        Path partial = null;
        try {
            String id = ensureSpool();
            partial = Files.createTempFile(spool, ".", PARTIAL, ownerOnly("rw-------"));
            try (FileChannel out = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            Files.move(partial, spool.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            return SPOOL + id + "/" + name;
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new Unavailable(
                    "storing the upload in the spool " + spool + " (MNEMO_UPLOAD_SPOOL) failed: " + e.getMessage(), e);
        }
    }

    /**
     * The bytes of a reference, checked against the hash they were uploaded with. Gone or changed bytes fail the
     * job at once with {@link #MISSING} or {@link #CORRUPT}; an unreachable bucket is retried.
     */
    byte[] read(String ref, String contentHash) {
        byte[] content;
        if (ref.startsWith(SPOOL)) {
            try {
                content = Files.readAllBytes(spoolFile(ref));
            } catch (NoSuchFileException e) {
                throw IngestFailure.permanent(
                        MISSING + ": the upload's bytes are gone from the spool (" + ref + " in " + spool
                                + "); upload the document again",
                        e);
            } catch (IOException e) {
                throw IngestFailure.transientFailure("reading " + ref + " from the spool failed: " + e.getMessage(), e);
            }
        } else {
            content = buckets.read(uploadBucket(ref), key(ref), MISSING + ": the upload's bytes are gone: ");
        }
        if (contentHash != null && !contentHash.equals(Tokens.sha256Hex(content))) {
            throw IngestFailure.permanent(CORRUPT + ": the bytes of " + ref + " no longer have the hash they were "
                    + "uploaded with; upload the document again");
        }
        return content;
    }

    /** Deletes the bytes of a reference (gone already is fine); IOException or SdkException when that fails. */
    void delete(String ref) throws IOException {
        if (ref.startsWith(SPOOL)) {
            Files.deleteIfExists(spoolFile(ref));
        } else {
            buckets.delete(uploadBucket(ref), key(ref));
        }
    }

    /**
     * The reference prefixes whose bytes this process reaches: its spool (once one exists; another process may
     * create it later) and the upload bucket.
     */
    List<String> reachable() {
        List<String> prefixes = new ArrayList<>(2);
        String id = spoolId();
        if (id != null) {
            prefixes.add(SPOOL + id + "/");
        }
        if (bucket != null) {
            prefixes.add("s3://" + bucket.bucket() + "/" + bucket.keyPrefix());
        }
        return prefixes;
    }

    /** Deletes partial files a crash left in the spool; returns how many. */
    int sweepPartials() throws IOException {
        if (!Files.isDirectory(spool)) {
            return 0;
        }
        FileTime before = FileTime.from(Instant.now().minus(ABANDONED));
        int deleted = 0;
        try (Stream<Path> files = Files.list(spool)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().endsWith(PARTIAL)
                        && Files.getLastModifiedTime(file).compareTo(before) < 0
                        && Files.deleteIfExists(file)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /** References of the spooled uploads older than an hour (none is still between its write and its job). */
    List<String> settledSpoolRefs() throws IOException {
        String id = spoolId();
        if (id == null || !Files.isDirectory(spool)) {
            return List.of();
        }
        FileTime before = FileTime.from(Instant.now().minus(ABANDONED));
        List<String> refs = new ArrayList<>();
        try (Stream<Path> files = Files.list(spool)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.matches(NAME) && Files.getLastModifiedTime(file).compareTo(before) < 0) {
                    refs.add(SPOOL + id + "/" + name);
                }
            }
        }
        return refs;
    }

    /** The spool's id, or null while the spool does not exist. */
    private String spoolId() {
        String id = spoolId;
        if (id == null) {
            try {
                Path file = spool.resolve(ID_FILE);
                if (Files.isRegularFile(file)) {
                    id = Files.readString(file, StandardCharsets.UTF_8).strip();
                    spoolId = id.isEmpty() ? null : id;
                }
            } catch (IOException e) {
                return null; // unreadable now: its jobs wait, the next claim looks again
            }
        }
        return spoolId;
    }

    /**
     * Creates the spool (owner-only) and its id on first use. The id file is linked into place whole, so of two
     * processes creating it at once both end with the one that won.
     */
    private String ensureSpool() throws IOException {
        String id = spoolId();
        if (id != null) {
            return id;
        }
        Files.createDirectories(spool, ownerOnly("rwx------"));
        Path partial = Files.createTempFile(spool, ".", PARTIAL, ownerOnly("rw-------"));
        try {
            Files.writeString(partial, UUID.randomUUID().toString(), StandardCharsets.UTF_8);
            Files.createLink(spool.resolve(ID_FILE), partial);
        } catch (FileAlreadyExistsException e) {
            // Another process created it first: use that one.
        } finally {
            Files.deleteIfExists(partial);
        }
        id = spoolId();
        if (id == null) {
            throw new IOException(spool.resolve(ID_FILE) + " is empty or unreadable");
        }
        return id;
    }

    private Path spoolFile(String ref) {
        int slash = ref.indexOf('/');
        String id = ref.substring(SPOOL.length(), Math.max(SPOOL.length(), slash));
        String name = ref.substring(slash + 1);
        // The reference comes from the graph: nothing but a spool name of this spool is ever opened.
        if (slash < 0 || !id.equals(spoolId()) || !name.matches(NAME)) {
            throw IngestFailure.permanent(MISSING + ": " + ref + " is not an upload in this gateway's spool " + spool);
        }
        return spool.resolve(name);
    }

    private GatewayConfig.Bucket uploadBucket(String ref) {
        if (bucket == null || !ref.startsWith("s3://" + bucket.bucket() + "/")) {
            throw IngestFailure.permanent(
                    MISSING + ": " + ref + " is not in this gateway's upload bucket " + "(MNEMO_UPLOAD_BUCKET)");
        }
        return bucket;
    }

    private String key(String ref) {
        return ref.substring(("s3://" + bucket.bucket() + "/").length());
    }

    private static FileAttribute<?>[] ownerOnly(String permissions) {
        return POSIX
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))
                }
                : new FileAttribute<?>[0];
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // the sweep of partial files takes it later
            }
        }
    }
}
