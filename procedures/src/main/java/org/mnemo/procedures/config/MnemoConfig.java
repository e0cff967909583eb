package org.mnemo.procedures.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mnemo.procedures.embed.EmbedderSettings;
import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * The plugin's settings: defaults, overridden by {@code mnemo.conf} (see {@link #file}), overridden
 * by {@code MNEMO_*} environment variables. Unknown {@code mnemo.*} keys and unparsable values are errors that
 * name the key, so a typo cannot silently fall back to a default.
 */
public record MnemoConfig(
        EmbedderSettings embedder,
        LlmSettings llm,
        RerankSettings rerank,
        int conceptsPerItem,
        int ingestBatchSize,
        int exactThreshold,
        String fulltextAnalyzer,
        int vectorOverfetch,
        int vectorCacheMb,
        int graphWalkBudget,
        int hnswM,
        int hnswEfConstruction,
        String vectorQuantization,
        Duration summaryTtl,
        UserScope userScope) {

    /**
     * Whether procedures resolve scope from the Neo4j user (docs/security.md, "A shared Neo4j"): off, or enforced
     * for every user but {@code adminUsers}, each acting as the principal {@code principals} maps it to.
     */
    public record UserScope(boolean enforced, java.util.Set<String> adminUsers, Map<String, String> principals) {}

    public static final String FILE_NAME = "mnemo.conf";
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");
    private static volatile Cached cached;

    private record Cached(Path file, FileTime modified, MnemoConfig config) {}

    /** The reranker: provider none, http, chat or onnx (model = the directory of a local cross-encoder). */
    public record RerankSettings(
            String provider,
            String baseUrl,
            String apiKey,
            String model,
            Duration timeout,
            int maxRetries,
            int candidates) {
        public boolean enabled() {
            return !"none".equals(provider);
        }

        @Override
        public String toString() {
            return "RerankSettings[provider=" + provider + ", baseUrl=" + baseUrl + ", model=" + model + "]";
        }
    }

    public record LlmSettings(String baseUrl, String apiKey, String model, Duration timeout) {
        public boolean enabled() {
            return !baseUrl.isBlank();
        }

        @Override
        public String toString() {
            return "LlmSettings[baseUrl=" + baseUrl + ", model=" + model + "]";
        }
    }

    /** The configuration of the database the procedure runs in (re-read when mnemo.conf changes). */
    public static MnemoConfig of(GraphDatabaseService db) {
        Config config = ((GraphDatabaseAPI) db).getDependencyResolver().resolveDependency(Config.class);
        Path file = file(config);
        FileTime modified = modified(file);
        Cached current = cached;
        if (current != null && current.file().equals(file) && java.util.Objects.equals(current.modified(), modified)) {
            return current.config();
        }
        MnemoConfig loaded = from(read(file), System.getenv(), file.toString());
        cached = new Cached(file, modified, loaded);
        return loaded;
    }

    /**
     * Where mnemo.conf is: the path in system property {@code mnemo.config} (the embedded launcher sets it), else
     * the directory named by {@code NEO4J_CONF} (as the neo4j start script and the Docker image set it), else
     * {@code <neo4j home>/conf}.
     */
    static Path file(Config config) {
        String explicit = System.getProperty("mnemo.config");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String confDir = System.getProperty("NEO4J_CONF", System.getenv("NEO4J_CONF"));
        if (confDir != null && !confDir.isBlank()) {
            return Path.of(confDir).resolve(FILE_NAME);
        }
        return config.get(GraphDatabaseSettings.neo4j_home).resolve("conf").resolve(FILE_NAME);
    }

    /** Settings from explicit values (file contents and environment); used by {@link #of} and by tests. */
    public static MnemoConfig from(Map<String, String> file, Map<String, String> environment, String source) {
        Map<String, String> values = new HashMap<>();
        TreeSet<String> unknown = new TreeSet<>();
        for (Map.Entry<String, String> e : file.entrySet()) {
            if (MnemoSettings.ALL.stream().noneMatch(s -> s.key().equals(e.getKey()))) {
                unknown.add(e.getKey());
            }
            values.put(e.getKey(), e.getValue());
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("mnemo: unknown setting(s) " + unknown + " in " + source
                    + "; see docs/configuration.md for the valid keys");
        }
        for (MnemoSettings.Setting<?> s : MnemoSettings.ALL) {
            String fromEnvironment = environment.get(s.environmentVariable());
            if (fromEnvironment != null) {
                values.put(s.key(), fromEnvironment);
            }
        }
        var embedder = new EmbedderSettings(
                get(values, MnemoSettings.embedding_provider).trim().toLowerCase(Locale.ROOT),
                get(values, MnemoSettings.embedding_model),
                get(values, MnemoSettings.embedding_base_url),
                get(values, MnemoSettings.embedding_api_key),
                atLeast(values, MnemoSettings.embedding_dimension, 0),
                atLeast(values, MnemoSettings.embedding_batch_size, 1),
                get(values, MnemoSettings.embedding_timeout),
                atLeast(values, MnemoSettings.embedding_max_retries, 0));
        var llm = new LlmSettings(
                get(values, MnemoSettings.llm_base_url),
                get(values, MnemoSettings.llm_api_key),
                get(values, MnemoSettings.llm_model),
                get(values, MnemoSettings.llm_timeout));
        String rerankProvider =
                get(values, MnemoSettings.rerank_provider).trim().toLowerCase(Locale.ROOT);
        if (!java.util.List.of("none", "http", "chat", "onnx").contains(rerankProvider)) {
            throw new IllegalArgumentException("mnemo.rerank.provider must be none, http, chat or onnx, got '"
                    + rerankProvider + "' in " + source);
        }
        var rerank = new RerankSettings(
                rerankProvider,
                get(values, MnemoSettings.rerank_base_url),
                get(values, MnemoSettings.rerank_api_key),
                get(values, MnemoSettings.rerank_model),
                get(values, MnemoSettings.rerank_timeout),
                atLeast(values, MnemoSettings.rerank_max_retries, 0),
                atLeast(values, MnemoSettings.rerank_candidates, 1));
        return new MnemoConfig(
                embedder,
                llm,
                rerank,
                atLeast(values, MnemoSettings.concepts_per_item, 0),
                atLeast(values, MnemoSettings.ingest_batch_size, 1),
                atLeast(values, MnemoSettings.search_exact_threshold, 0),
                get(values, MnemoSettings.search_fulltext_analyzer),
                atLeast(values, MnemoSettings.search_vector_overfetch, 1),
                atLeast(values, MnemoSettings.search_vector_cache_mb, 0),
                atLeast(values, MnemoSettings.search_graph_walk_budget, 1),
                atLeast(values, MnemoSettings.vector_hnsw_m, 0),
                atLeast(values, MnemoSettings.vector_hnsw_ef_construction, 0),
                oneOf(values, MnemoSettings.vector_quantization, java.util.List.of("auto", "true", "false")),
                get(values, MnemoSettings.memory_summary_ttl),
                userScope(values));
    }

    private static String oneOf(
            Map<String, String> values, MnemoSettings.Setting<String> setting, java.util.List<String> allowed) {
        String value = get(values, setting).trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            throw new IllegalArgumentException(
                    "mnemo: " + setting.key() + " must be one of " + allowed + ", got '" + value + "'");
        }
        return value;
    }

    private static UserScope userScope(Map<String, String> values) {
        String mode = get(values, MnemoSettings.security_user_scope).trim();
        if (!mode.equals("off") && !mode.equals("enforce")) {
            throw new IllegalArgumentException("mnemo: " + MnemoSettings.security_user_scope.key()
                    + " must be off or enforce, got '" + mode + "'");
        }
        java.util.Set<String> admins = new java.util.HashSet<>();
        for (String user : get(values, MnemoSettings.security_admin_users).split(",")) {
            if (!user.isBlank()) {
                admins.add(user.strip());
            }
        }
        Map<String, String> principals = new HashMap<>();
        for (String pair : get(values, MnemoSettings.security_user_principals).split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            String[] parts = pair.split("=", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException("mnemo: " + MnemoSettings.security_user_principals.key()
                        + " must be user=principal[,user=principal…], got '" + pair.strip() + "'");
            }
            principals.put(parts[0].strip(), parts[1].strip());
        }
        return new UserScope(mode.equals("enforce"), java.util.Set.copyOf(admins), Map.copyOf(principals));
    }

    public static MnemoConfig defaults() {
        return from(Map.of(), Map.of(), "defaults");
    }

    private static int atLeast(Map<String, String> values, MnemoSettings.Setting<Integer> setting, int min) {
        int value = get(values, setting);
        if (value < min) {
            throw new IllegalArgumentException(
                    "mnemo: " + setting.key() + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    private static <T> T get(Map<String, String> values, MnemoSettings.Setting<T> setting) {
        String raw = values.get(setting.key());
        if (raw == null) {
            return setting.defaultValue();
        }
        String value = raw.trim();
        try {
            if (setting.type() == Integer.class) {
                return setting.type().cast(Integer.parseInt(value));
            }
            if (setting.type() == Duration.class) {
                return setting.type().cast(duration(value));
            }
            return setting.type().cast(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mnemo: " + setting.key() + " has an invalid value '" + value + "' ("
                    + (setting.type() == Duration.class ? "expected e.g. 500ms, 30s, 2m" : "expected a whole number")
                    + ")");
        }
    }

    private static Duration duration(String value) {
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException(value);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private static Map<String, String> read(Path file) {
        Map<String, String> values = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            return values;
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalStateException("mnemo: cannot read " + file + ": " + e.getMessage(), e);
        }
        properties.forEach((k, v) -> values.put(k.toString().trim(), v.toString()));
        return values;
    }

    private static FileTime modified(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.getLastModifiedTime(file) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
