package org.mnemo.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The password of the embedded server's {@code neo4j} user: {@code MNEMO_NEO4J_PASSWORD} when set, otherwise the
 * one generated on first start and kept (readable by the owner only) in {@code <data>/neo4j-password}.
 */
public final class Credentials {
    public static final String USER = "neo4j";
    static final String FILE = "neo4j-password";
    private static final int MIN_LENGTH = 8;

    /** The password and whether it was generated just now (so the caller prints it once). */
    public record Password(String value, boolean generated) {}

    private Credentials() {}

    public static Password resolve(Path dataDir, String fromEnvironment) {
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            if (fromEnvironment.length() < MIN_LENGTH) {
                throw new IllegalArgumentException(
                        "MNEMO_NEO4J_PASSWORD must be at least " + MIN_LENGTH + " characters (Neo4j's minimum)");
            }
            return new Password(fromEnvironment, false);
        }
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.isRegularFile(file)) {
                return new Password(
                        Files.readString(file, StandardCharsets.UTF_8).strip(), false);
            }
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(dataDir);
            Files.writeString(file, generated + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // best effort on non-POSIX file systems
            }
            return new Password(generated, true);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The password a CLI command uses to reach the server: the environment's, else the embedded server's file. */
    public static String forClient(Path dataDir, String fromEnvironment) {
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            return fromEnvironment;
        }
        Path file = dataDir.resolve(FILE);
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException("no password: set MNEMO_NEO4J_PASSWORD or start the server with "
                    + "'./mnemo serve' first (it writes " + file + ")");
        }
    }

    public static final String SECRET_KEY_FILE = "mnemo-secret-key";

    /**
     * The key that seals the team signing keys, for the embedded server without MNEMO_SECRET_KEY: generated on
     * first start and kept beside the password in {@code <data>/mnemo-secret-key} (owner-readable only). Back it up
     * with the data: without it, the team JWTs cannot be verified (rotate the signing key to recover).
     */
    public static byte[] secretKey(Path dataDir) {
        Path file = dataDir.resolve(SECRET_KEY_FILE);
        try {
            if (Files.isRegularFile(file)) {
                return Base64.getDecoder()
                        .decode(Files.readString(file, StandardCharsets.UTF_8).strip());
            }
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.createDirectories(dataDir);
            Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // best effort on non-POSIX file systems
            }
            return key;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or write " + file + ": " + e.getMessage(), e);
        }
    }
}
