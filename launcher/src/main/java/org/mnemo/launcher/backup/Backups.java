package org.mnemo.launcher.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mnemo.embedded.Credentials;
import org.mnemo.gateway.health.BuildInfo;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.dbms.archive.DumpFormatSelector;
import org.neo4j.dbms.archive.Dumper;
import org.neo4j.dbms.archive.IncorrectFormat;
import org.neo4j.dbms.archive.Loader;
import org.neo4j.dbms.archive.StandardCompressionFormat;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.io.layout.DatabaseLayout;
import org.neo4j.io.layout.Neo4jLayout;
import org.neo4j.kernel.internal.Version;

/**
 * Backup and restore of the embedded server's database. A backup is Neo4j's own dump of the <em>stopped</em>
 * database (the format {@code neo4j-admin database load} reads), beside {@code manifest.json} — counts of what it
 * holds, versions, a SHA-256 of every file — and the key that seals the team signing keys. Why offline: Neo4j
 * Community has no online backup, and a read transaction is read-committed, so an online export would not be a
 * consistent snapshot; a dump of a cleanly stopped store is.
 */
public final class Backups {
    public static final String DUMP = "neo4j.dump";
    public static final String MANIFEST = "manifest.json";
    public static final String PREFIX = "mnemo-backup-";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** What a manifest counts: Mnemo's labels. */
    static final List<String> LABELS = List.of(
            "Library",
            "Collection",
            "Item",
            "Chunk",
            "Concept",
            "Memory",
            "Workspace",
            "Principal",
            "ApiToken",
            "Team",
            "IngestJob");

    private static final Set<String> LOCKS = Set.of("database_lock", "store_lock");

    private Backups() {}

    /** What a restore did. */
    public record Restored(Map<String, Long> counts, Path snapshot) {}

    /**
     * Dumps the stopped database under {@code dataDir} into a new {@code mnemo-backup-<time>} folder of
     * {@code root}; returns that folder. Fails when the database is in use (stop {@code ./mnemo serve} first).
     */
    public static Path backup(Path dataDir, Path pluginsDir, Path root, PrintStream out) throws IOException {
        Map<String, Object> facts = inspect(dataDir, pluginsDir, false);
        Path target = root.resolve(PREFIX + STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)));
        Files.createDirectories(target);
        DatabaseLayout layout = layout(dataDir);
        out.println("Dumping " + layout.databaseDirectory() + " …");
        try (OutputStream dump = Files.newOutputStream(target.resolve(DUMP))) {
            new Dumper(new DefaultFileSystemAbstraction(), out)
                    .dump(
                            layout.databaseDirectory(),
                            layout.getTransactionLogsDirectory(),
                            dump,
                            StandardCompressionFormat.GZIP,
                            path -> LOCKS.contains(path.getFileName().toString()));
        }
        Path key = dataDir.resolve(Credentials.SECRET_KEY_FILE);
        if (Files.isRegularFile(key)) {
            Files.copy(key, target.resolve(Credentials.SECRET_KEY_FILE), StandardCopyOption.COPY_ATTRIBUTES);
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("created_at", ZonedDateTime.now(ZoneOffset.UTC).toString());
        manifest.put("mnemo_version", BuildInfo.VERSION);
        manifest.put("neo4j_version", Version.getNeo4jVersion());
        manifest.put("database", GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        manifest.putAll(facts);
        Map<String, String> sums = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(target)) {
            for (Path file : files.sorted().toList()) {
                sums.put(file.getFileName().toString(), sha256(file));
            }
        }
        manifest.put("sha256", sums);
        JSON.writeValue(target.resolve(MANIFEST).toFile(), manifest);
        out.println("Backup written to " + target + ": " + facts.get("counts"));
        return target;
    }

    /** The problems of a backup folder (missing or altered files, an unreadable dump); empty when it is sound. */
    @SuppressWarnings("unchecked")
    public static List<String> verify(Path backup) {
        List<String> problems = new ArrayList<>();
        Path manifestFile = backup.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            return List.of("no " + MANIFEST + " in " + backup);
        }
        Map<String, Object> manifest;
        try {
            manifest = JSON.readValue(manifestFile.toFile(), Map.class);
        } catch (IOException e) {
            return List.of(MANIFEST + " is not valid JSON: " + e.getMessage());
        }
        Map<String, String> sums = manifest.get("sha256") instanceof Map<?, ?> m ? (Map<String, String>) m : Map.of();
        if (!sums.containsKey(DUMP)) {
            problems.add(MANIFEST + " lists no " + DUMP);
        }
        for (Map.Entry<String, String> sum : sums.entrySet()) {
            Path file = backup.resolve(sum.getKey());
            try {
                if (!Files.isRegularFile(file)) {
                    problems.add(sum.getKey() + " is missing");
                } else if (!sha256(file).equals(sum.getValue())) {
                    problems.add(sum.getKey() + " does not match its SHA-256 in the manifest (altered or corrupted)");
                }
            } catch (IOException e) {
                problems.add(sum.getKey() + " cannot be read: " + e.getMessage());
            }
        }
        if (problems.isEmpty()) {
            try {
                new Loader(new DefaultFileSystemAbstraction(), System.err)
                        .getMetaData(() -> Files.newInputStream(backup.resolve(DUMP)), DumpFormatSelector::decompress);
            } catch (IOException | RuntimeException e) {
                problems.add(DUMP + " is not a readable Neo4j dump: " + e.getMessage());
            }
        }
        return problems;
    }

    /**
     * Loads a verified backup into the database under {@code dataDir}. A database that holds anything is replaced
     * only with {@code force}, and then first backed up into {@code <data>/snapshots}. Indexes are brought online
     * (and any missing one created) by {@code mnemo.schema.apply}, and the counts are checked against the manifest.
     */
    @SuppressWarnings("unchecked")
    public static Restored restore(Path backup, Path dataDir, Path pluginsDir, boolean force, PrintStream out)
            throws IOException {
        List<String> problems = verify(backup);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the backup " + backup + " is not sound: " + String.join("; ", problems));
        }
        Path snapshot = null;
        if (Files.isDirectory(layout(dataDir).databaseDirectory())) {
            long nodes = ((Number) inspect(dataDir, pluginsDir, false).get("nodes")).longValue();
            if (nodes > 0 && !force) {
                throw new IllegalStateException("the database in " + dataDir + " is not empty (" + nodes + " nodes); "
                        + "restore with --force to replace it (it is backed up into " + dataDir.resolve("snapshots")
                        + " first)");
            }
            if (nodes > 0) {
                snapshot = backup(dataDir, pluginsDir, dataDir.resolve("snapshots"), out);
                out.println("Snapshot of the replaced database: " + snapshot);
            }
        }
        DatabaseLayout layout = layout(dataDir);
        deleteTree(layout.databaseDirectory());
        deleteTree(layout.getTransactionLogsDirectory());
        // Into a wiped (or new) data directory as well: the loader wants the parents in place.
        Files.createDirectories(layout.databaseDirectory().getParent());
        Files.createDirectories(layout.getTransactionLogsDirectory().getParent());
        try {
            new Loader(new DefaultFileSystemAbstraction(), out)
                    .load(backup.resolve(DUMP), layout, true, true, DumpFormatSelector::decompress);
        } catch (IncorrectFormat e) {
            throw new IllegalStateException(DUMP + " is not a Neo4j dump: " + e.getMessage(), e);
        }
        Path key = backup.resolve(Credentials.SECRET_KEY_FILE);
        if (Files.isRegularFile(key)) {
            Files.copy(key, dataDir.resolve(Credentials.SECRET_KEY_FILE), StandardCopyOption.REPLACE_EXISTING);
        }
        Map<String, Object> after = inspect(dataDir, pluginsDir, true);
        Map<String, Object> manifest = JSON.readValue(backup.resolve(MANIFEST).toFile(), Map.class);
        Map<String, Long> expected = new LinkedHashMap<>();
        ((Map<String, Number>) manifest.get("counts")).forEach((k, v) -> expected.put(k, v.longValue()));
        if (!expected.equals(after.get("counts"))) {
            throw new IllegalStateException(
                    "the restored database holds " + after.get("counts") + ", the backup " + "said " + expected);
        }
        out.println("Restored " + backup + " into " + dataDir + ": " + expected);
        return new Restored(expected, snapshot);
    }

    /**
     * The backups in {@code root} that a retention of {@code daily} days, {@code weekly} weeks and {@code monthly}
     * months would delete (the newest backup of each kept day, week and month stays); deleted only when
     * {@code apply}.
     */
    public static List<Path> prune(Path root, int daily, int weekly, int monthly, boolean apply) throws IOException {
        List<Path> backups = list(root);
        Set<Path> keep = new LinkedHashSet<>();
        keepNewestPer(backups, daily, d -> d.toString(), keep);
        keepNewestPer(
                backups,
                weekly,
                d -> d.get(IsoFields.WEEK_BASED_YEAR) + "-W" + d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR),
                keep);
        keepNewestPer(backups, monthly, d -> d.getYear() + "-" + d.getMonthValue(), keep);
        List<Path> doomed = backups.stream().filter(b -> !keep.contains(b)).toList();
        if (apply) {
            for (Path b : doomed) {
                deleteTree(b);
            }
        }
        return doomed;
    }

    /** The backup folders in {@code root}, newest first. */
    public static List<Path> list(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(root)) {
            return entries.filter(p -> p.getFileName().toString().startsWith(PREFIX) && Files.isDirectory(p))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString())
                            .reversed())
                    .toList();
        }
    }

    private static void keepNewestPer(
            List<Path> newestFirst,
            int periods,
            java.util.function.Function<LocalDate, String> period,
            Set<Path> keep) {
        Set<String> seen = new LinkedHashSet<>();
        for (Path backup : newestFirst) {
            String key = period.apply(date(backup));
            if (seen.size() < periods && seen.add(key)) {
                keep.add(backup);
            }
        }
    }

    private static LocalDate date(Path backup) {
        String stamp = backup.getFileName().toString().substring(PREFIX.length());
        return ZonedDateTime.parse(stamp, STAMP.withZone(ZoneOffset.UTC)).toLocalDate();
    }

    /** Starts the database without Bolt (it must not be in use), reads counts, optionally applies the schema. */
    private static Map<String, Object> inspect(Path dataDir, Path pluginsDir, boolean applySchema) {
        DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(dataDir.resolve("neo4j"))
                    .setConfig(BoltConnector.enabled, false)
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(GraphDatabaseSettings.plugin_dir, pluginsDir.toAbsolutePath())
                    .build();
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot open the database in " + dataDir + " — is ./mnemo serve "
                            + "running? Backup and restore need it stopped (" + e.getMessage() + ")",
                    e);
        }
        try {
            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            if (applySchema) {
                db.executeTransactionally("CALL mnemo.schema.apply()");
            }
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String label : LABELS) {
                counts.put(
                        label,
                        db.executeTransactionally(
                                "MATCH (n:" + label + ") RETURN count(n) AS n",
                                Map.of(),
                                r -> ((Number) r.next().get("n")).longValue()));
            }
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("counts", counts);
            facts.put(
                    "nodes",
                    db.executeTransactionally(
                            "MATCH (n) RETURN count(n) AS n",
                            Map.of(),
                            r -> ((Number) r.next().get("n")).longValue()));
            facts.put(
                    "embedding_models",
                    db.executeTransactionally(
                            "MATCH (i:Item) RETURN collect(DISTINCT " + "i.embedding_model) AS m",
                            Map.of(),
                            r -> r.next().get("m")));
            return facts;
        } finally {
            dbms.shutdown();
        }
    }

    private static DatabaseLayout layout(Path dataDir) {
        return Neo4jLayout.of(dataDir.resolve("neo4j")).databaseLayout(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of()
                    .formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
