package org.mnemo.gateway.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's settings, read once from environment variables. Every invalid value stops start-up with a message
 * that names the variable.
 *
 * @param neo4jUri           external Neo4j (bolt://, neo4j:// for clusters); null = the embedded server
 * @param adminToken         bootstrap admin token; null = keep the stored one, or generate and print one
 * @param daedalusKeys       HS256 keys for per-turn JWTs, by kid
 * @param metricsAllow       networks allowed to read /metrics
 */
public record GatewayConfig(
        String httpHost,
        int httpPort,
        String neo4jUri,
        String neo4jUser,
        String neo4jPassword,
        String adminToken,
        Map<String, byte[]> daedalusKeys,
        long maxBodyBytes,
        List<Network> metricsAllow,
        Mcp mcp,
        Ingest ingest,
        Security security) {

    /**
     * Authority and limits (docs/security.md).
     *
     * @param daedalusPrincipal the service account Daedalus' turn JWTs act for: they read only what it may read
     * @param daedalusAudience  the aud a turn JWT must name, or null to accept any
     * @param secretKey         32 bytes that seal the team signing keys stored in the graph; null = none configured
     * @param ratePerSecond     requests a second each credential may make (its bucket refills at this rate)
     * @param rateBurst         the bucket's size: how many requests a credential may make at once
     * @param queryTimeoutSeconds the Neo4j transaction timeout of each call the gateway makes for a request
     * @param mcpSessionIdleSeconds an MCP session unused this long is closed
     * @param healthCacheSeconds how long a readiness result is reused for unauthenticated callers
     * @param plugin             the memory plugin's trusted mode, or null when it is off (the default)
     * @param loopbackToken      the bearer an unauthenticated request from this machine to /atocore/ acts with,
     *                           for unmodified single-user AtoCore clients; null (the default) = none
     */
    public record Security(
            String daedalusPrincipal,
            String daedalusAudience,
            byte[] secretKey,
            int ratePerSecond,
            int rateBurst,
            int queryTimeoutSeconds,
            int mcpSessionIdleSeconds,
            int healthCacheSeconds,
            Plugin plugin,
            String loopbackToken) {}

    /**
     * The memory plugin's trusted mode (docs/memory.md, docs/security.md): a request to the plugin contract's
     * routes (/v1/) without a bearer but with {@code X-Mnemo-Plugin-Secret} equal to the configured secret acts as
     * {@code principal}, a service account that must also hold {@code trusted_namespaces} in the graph. Only the
     * SHA-256 of the secret is kept, and compared in constant time.
     */
    public record Plugin(byte[] secretSha256, String principal) {}

    /** The least length of the plugin secret: as much as an HS256 key. */
    public static final int MIN_PLUGIN_SECRET_CHARS = 32;

    /**
     * Durable ingest: worker pool, limits, retries, and the S3 buckets files come from (by source name) and go to.
     *
     * @param workers        worker threads in this gateway (0 on API-only nodes)
     * @param sources        source buckets by lower-case name; jobs with a blank or unknown source use "daedalus"
     * @param storage        Mnemo's own bucket for originals, or null (then the source object is the original)
     * @param uploadBucket   where upload bytes wait for their job (any gateway reaches them), or null: the spool
     * @param uploadSpool    the local directory upload bytes wait in without an upload bucket
     * @param maxPendingUploadBytes how many bytes of one owner's uploads may wait in the upload store at once
     */
    public record Ingest(
            int workers,
            long maxFileBytes,
            long maxTextChars,
            int maxAttempts,
            long retryBaseMillis,
            int leaseSeconds,
            int deadlineSeconds,
            int uploadWaitSeconds,
            int extractTimeoutSeconds,
            int failedUploadRetentionHours,
            long maxPendingUploadBytes,
            int batchDocuments,
            long batchMaxFileBytes,
            long pollMillis,
            Map<String, Bucket> sources,
            Bucket storage,
            Bucket uploadBucket,
            Path uploadSpool) {

        /** The same settings without workers: for processes that only submit jobs (the CLI). */
        public Ingest submitOnly() {
            return new Ingest(
                    0,
                    maxFileBytes,
                    maxTextChars,
                    maxAttempts,
                    retryBaseMillis,
                    leaseSeconds,
                    deadlineSeconds,
                    uploadWaitSeconds,
                    extractTimeoutSeconds,
                    failedUploadRetentionHours,
                    maxPendingUploadBytes,
                    batchDocuments,
                    batchMaxFileBytes,
                    pollMillis,
                    sources,
                    storage,
                    uploadBucket,
                    uploadSpool);
        }

        Ingest withUploadSpool(Path spool) {
            return new Ingest(
                    workers,
                    maxFileBytes,
                    maxTextChars,
                    maxAttempts,
                    retryBaseMillis,
                    leaseSeconds,
                    deadlineSeconds,
                    uploadWaitSeconds,
                    extractTimeoutSeconds,
                    failedUploadRetentionHours,
                    maxPendingUploadBytes,
                    batchDocuments,
                    batchMaxFileBytes,
                    pollMillis,
                    sources,
                    storage,
                    uploadBucket,
                    spool);
        }
    }

    /**
     * An S3-compatible bucket and how to reach it. A source bucket is read only for the principals it names (and
     * the admin), and only under its key prefix, in which {@code {workspace_id}} and {@code {principal}} stand
     * for the job's workspace and the caller.
     */
    public record Bucket(
            String name,
            String endpoint,
            String region,
            String bucket,
            String accessKey,
            String secretKey,
            boolean pathStyle,
            boolean tlsVerify,
            List<String> principals,
            String keyPrefix) {}

    /**
     * The MCP endpoint's settings.
     *
     * @param requireAuth    whether tools (other than get_health) need a bearer credential
     * @param allowedOrigins Origin patterns browsers may call from ("http://host:*" allows any port)
     * @param allowedHosts   Host header patterns (DNS-rebinding protection); empty = any host
     * @param stateless      Streamable HTTP without sessions: any gateway behind a load balancer answers any call
     */
    public record Mcp(boolean requireAuth, List<String> allowedOrigins, List<String> allowedHosts, boolean stateless) {}

    /** The least HS256 key size (RFC 7518 §3.2), for configured and generated keys alike. */
    public static final int MIN_KEY_BYTES = 32;

    public static GatewayConfig fromEnvironment() {
        return from(System.getenv());
    }

    public static GatewayConfig from(Map<String, String> env) {
        checkLogging(env);
        String[] neo4jAuth = neo4jAuth(env);
        return new GatewayConfig(
                value(env, "MNEMO_HTTP_HOST", "127.0.0.1"),
                (int) number(env, "MNEMO_HTTP_PORT", 8080, 0, 65535),
                value(env, "MNEMO_NEO4J_URI", null),
                neo4jAuth[0],
                neo4jAuth[1],
                adminToken(secret(env, "MNEMO_ADMIN_TOKEN")),
                keys(value(env, "MNEMO_DAEDALUS_JWT_KEYS", "")),
                number(env, "MNEMO_MAX_BODY_BYTES", 10L * 1024 * 1024, 1024, 1L << 31),
                networks(value(env, "MNEMO_METRICS_ALLOW", "127.0.0.1/32,::1/128")),
                new Mcp(
                        bool(env, "MNEMO_MCP_REQUIRE_AUTH", true),
                        list(value(env, "MNEMO_MCP_ALLOWED_ORIGINS", "http://localhost:*,http://127.0.0.1:*"), false),
                        list(value(env, "MNEMO_MCP_ALLOWED_HOSTS", "localhost:*,127.0.0.1:*"), true),
                        bool(env, "MNEMO_MCP_STATELESS", false)),
                new Ingest(
                        (int) number(env, "MNEMO_INGEST_WORKERS", 2, 0, 64),
                        number(env, "MNEMO_INGEST_MAX_FILE_BYTES", 100L * 1024 * 1024, 1, 1L << 40),
                        number(env, "MNEMO_INGEST_MAX_TEXT_CHARS", 10_000_000, 1000, Integer.MAX_VALUE),
                        (int) number(env, "MNEMO_INGEST_MAX_ATTEMPTS", 3, 1, 20),
                        number(env, "MNEMO_INGEST_RETRY_BASE_MS", 5000, 0, 3_600_000),
                        (int) number(env, "MNEMO_INGEST_LEASE_SECONDS", 60, 2, 3600),
                        (int) number(env, "MNEMO_INGEST_DEADLINE_SECONDS", 3600, 10, 7 * 86400),
                        (int) number(env, "MNEMO_UPLOAD_WAIT_SECONDS", 120, 0, 3600),
                        (int) number(env, "MNEMO_INGEST_EXTRACT_TIMEOUT_SECONDS", 120, 1, 86_400),
                        (int) number(env, "MNEMO_INGEST_FAILED_UPLOAD_RETENTION_HOURS", 72, 0, 24 * 3650),
                        number(env, "MNEMO_UPLOAD_MAX_PENDING_BYTES", 1L << 30, 1, 1L << 50),
                        (int) number(env, "MNEMO_INGEST_BATCH_DOCUMENTS", 32, 1, 1000),
                        number(env, "MNEMO_INGEST_BATCH_MAX_FILE_BYTES", 64 * 1024, 0, 10L * 1024 * 1024),
                        number(env, "MNEMO_INGEST_POLL_MS", 500, 10, 600_000),
                        sources(env),
                        bucket(env, "MNEMO_STORAGE_", "storage"),
                        uploadBucket(env),
                        Path.of(value(
                                        env,
                                        "MNEMO_UPLOAD_SPOOL",
                                        dataDir(env).resolve("uploads").toString()))
                                .toAbsolutePath()),
                new Security(
                        value(env, "MNEMO_DAEDALUS_PRINCIPAL", "daedalus"),
                        value(env, "MNEMO_DAEDALUS_JWT_AUDIENCE", null),
                        secretKey(env),
                        (int) number(env, "MNEMO_RATE_LIMIT_PER_SECOND", 50, 1, 1_000_000),
                        (int) number(env, "MNEMO_RATE_LIMIT_BURST", 200, 1, 10_000_000),
                        (int) number(env, "MNEMO_QUERY_TIMEOUT_SECONDS", 30, 1, 86_400),
                        (int) number(env, "MNEMO_MCP_SESSION_IDLE_SECONDS", 1800, 2, 7 * 86_400),
                        (int) number(env, "MNEMO_HEALTH_CACHE_SECONDS", 10, 0, 3600),
                        plugin(env),
                        value(env, "MNEMO_CONTEXT_LOOPBACK_TOKEN", null)));
    }

    /**
     * MNEMO_LOG_FORMAT and MNEMO_ACCESS_LOG are read by logback (src/main/resources/logback.xml) before anything
     * else; a value it has no appender or level for would silence the log, so the start fails on it instead.
     */
    private static void checkLogging(Map<String, String> env) {
        // As logback sees them: exactly, unstripped.
        String format = env.get("MNEMO_LOG_FORMAT");
        if (format != null && !List.of("text", "json").contains(format)) {
            throw new IllegalArgumentException("MNEMO_LOG_FORMAT must be text or json, got '" + format + "'");
        }
        String access = env.get("MNEMO_ACCESS_LOG");
        if (access != null && !List.of("info", "debug", "off").contains(access)) {
            throw new IllegalArgumentException("MNEMO_ACCESS_LOG must be info, debug or off, got '" + access + "'");
        }
    }

    /** MNEMO_PLUGIN_SECRET with MNEMO_PLUGIN_PRINCIPAL: both or neither; unset = the trusted mode is off. */
    private static Plugin plugin(Map<String, String> env) {
        String secret = value(env, "MNEMO_PLUGIN_SECRET", null);
        String principal = value(env, "MNEMO_PLUGIN_PRINCIPAL", null);
        if (secret == null && principal == null) {
            return null;
        }
        if (secret == null || principal == null) {
            throw new IllegalArgumentException("MNEMO_PLUGIN_SECRET and MNEMO_PLUGIN_PRINCIPAL turn the memory "
                    + "plugin's trusted mode on together; set both or neither");
        }
        if (secret.length() < MIN_PLUGIN_SECRET_CHARS) {
            throw new IllegalArgumentException("MNEMO_PLUGIN_SECRET must be at least " + MIN_PLUGIN_SECRET_CHARS
                    + " characters (e.g. `openssl rand -hex 32`)");
        }
        try {
            return new Plugin(
                    java.security.MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)),
                    principal);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The Neo4j user and password: MNEMO_NEO4J_USER with MNEMO_NEO4J_PASSWORD (or MNEMO_NEO4J_PASSWORD_FILE), or
     * MNEMO_NEO4J_AUTH_FILE, a file in the format of Neo4j's own NEO4J_AUTH ({@code user/password}) — so that one
     * Docker secret serves the database's NEO4J_AUTH_FILE and the gateways alike.
     */
    private static String[] neo4jAuth(Map<String, String> env) {
        String user = value(env, "MNEMO_NEO4J_USER", null);
        String password = secret(env, "MNEMO_NEO4J_PASSWORD");
        String file = value(env, "MNEMO_NEO4J_AUTH_FILE", null);
        if (file != null) {
            if (password != null) {
                throw new IllegalArgumentException("MNEMO_NEO4J_AUTH_FILE and MNEMO_NEO4J_PASSWORD(_FILE) both give "
                        + "the Neo4j password: set one of them");
            }
            String auth = read(file, "MNEMO_NEO4J_AUTH_FILE");
            int slash = auth.indexOf('/');
            if (slash <= 0 || slash == auth.length() - 1) {
                throw new IllegalArgumentException(
                        "MNEMO_NEO4J_AUTH_FILE: " + file + " must hold user/password, as " + "Neo4j's NEO4J_AUTH does");
            }
            if (user != null && !user.equals(auth.substring(0, slash))) {
                throw new IllegalArgumentException("MNEMO_NEO4J_USER names another user than MNEMO_NEO4J_AUTH_FILE");
            }
            user = auth.substring(0, slash);
            password = auth.substring(slash + 1);
        }
        return new String[] {user != null ? user : "neo4j", password};
    }

    /** A secret from NAME, or from the file NAME_FILE names (Docker and Kubernetes secrets); not both. */
    private static String secret(Map<String, String> env, String name) {
        String value = value(env, name, null);
        String file = value(env, name + "_FILE", null);
        if (value != null && file != null) {
            throw new IllegalArgumentException(name + " and " + name + "_FILE are both set: set one of them");
        }
        return file != null ? read(file, name + "_FILE") : value;
    }

    private static String read(String file, String variable) {
        try {
            String text = java.nio.file.Files.readString(java.nio.file.Path.of(file), StandardCharsets.UTF_8)
                    .strip();
            if (text.isEmpty()) {
                throw new IllegalArgumentException(variable + ": " + file + " is empty");
            }
            return text;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(variable + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    /** MNEMO_SECRET_KEY (base64 of 32 bytes), or the contents of the file MNEMO_SECRET_KEY_FILE names. */
    private static byte[] secretKey(Map<String, String> env) {
        String value = value(env, "MNEMO_SECRET_KEY", null);
        String file = value(env, "MNEMO_SECRET_KEY_FILE", null);
        if (value == null && file != null) {
            value = read(file, "MNEMO_SECRET_KEY_FILE");
        }
        if (value == null) {
            return null;
        }
        byte[] key;
        try {
            key = java.util.Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            key = new byte[0];
        }
        if (key.length != 32) {
            throw new IllegalArgumentException(
                    "MNEMO_SECRET_KEY must be the base64 of 32 random bytes (e.g. " + "`openssl rand -base64 32`)");
        }
        return key;
    }

    /** The embedded server's data directory: MNEMO_DATA, else data/ in the project (the mnemo.home property). */
    public static Path dataDir(Map<String, String> env) {
        return Path.of(value(
                        env,
                        "MNEMO_DATA",
                        Path.of(System.getProperty("mnemo.home", "."))
                                .resolve("data")
                                .toString()))
                .toAbsolutePath()
                .normalize();
    }

    /**
     * MNEMO_UPLOAD_BUCKET with the variables of any bucket; its key prefix defaults to "uploads/". Named so that
     * no source (named by an environment variable) can share its client.
     */
    private static Bucket uploadBucket(Map<String, String> env) {
        Bucket b = bucket(env, "MNEMO_UPLOAD_", "upload bucket");
        return b == null || !b.keyPrefix().isEmpty()
                ? b
                : new Bucket(
                        b.name(),
                        b.endpoint(),
                        b.region(),
                        b.bucket(),
                        b.accessKey(),
                        b.secretKey(),
                        b.pathStyle(),
                        b.tlsVerify(),
                        b.principals(),
                        "uploads/");
    }

    /** Every MNEMO_SOURCE_&lt;NAME&gt;_BUCKET defines a source bucket named &lt;name&gt;. */
    private static Map<String, Bucket> sources(Map<String, String> env) {
        Map<String, Bucket> sources = new LinkedHashMap<>();
        env.keySet().stream()
                .sorted()
                .filter(k -> k.startsWith("MNEMO_SOURCE_") && k.endsWith("_BUCKET"))
                .forEach(k -> {
                    String name = k.substring("MNEMO_SOURCE_".length(), k.length() - "_BUCKET".length());
                    if (!name.isEmpty()) {
                        sources.put(
                                name.toLowerCase(java.util.Locale.ROOT),
                                bucket(env, "MNEMO_SOURCE_" + name + "_", name.toLowerCase(java.util.Locale.ROOT)));
                    }
                });
        return Map.copyOf(sources);
    }

    private static Bucket bucket(Map<String, String> env, String prefix, String name) {
        String bucket = value(env, prefix + "BUCKET", null);
        if (bucket == null) {
            return null;
        }
        String endpoint = value(env, prefix + "ENDPOINT", null);
        if (endpoint != null && !endpoint.matches("https?://.+")) {
            throw new IllegalArgumentException(prefix + "ENDPOINT must be an http(s) URL, got '" + endpoint + "'");
        }
        String keyPrefix = value(env, prefix + "KEY_PREFIX", "");
        if (keyPrefix.startsWith("/") || keyPrefix.contains("..")) {
            throw new IllegalArgumentException(
                    prefix + "KEY_PREFIX must be a relative key prefix without '..', got '" + keyPrefix + "'");
        }
        return new Bucket(
                name,
                endpoint,
                value(env, prefix + "REGION", "us-east-1"),
                bucket,
                value(env, prefix + "ACCESS_KEY", null),
                value(env, prefix + "SECRET_KEY", null),
                bool(env, prefix + "PATH_STYLE", endpoint != null),
                bool(env, prefix + "TLS_VERIFY", true),
                list(value(env, prefix + "PRINCIPALS", ""), false),
                keyPrefix);
    }

    public GatewayConfig withHttpPort(int port) {
        return new GatewayConfig(
                httpHost,
                port,
                neo4jUri,
                neo4jUser,
                neo4jPassword,
                adminToken,
                daedalusKeys,
                maxBodyBytes,
                metricsAllow,
                mcp,
                ingest,
                security);
    }

    public GatewayConfig withNeo4j(String uri, String user, String password) {
        return new GatewayConfig(
                httpHost,
                httpPort,
                uri,
                user,
                password,
                adminToken,
                daedalusKeys,
                maxBodyBytes,
                metricsAllow,
                mcp,
                ingest,
                security);
    }

    /** The same settings with this secret key (the embedded server keeps a generated one in its data directory). */
    public GatewayConfig withSecretKey(byte[] key) {
        Security s = security;
        return new GatewayConfig(
                httpHost,
                httpPort,
                neo4jUri,
                neo4jUser,
                neo4jPassword,
                adminToken,
                daedalusKeys,
                maxBodyBytes,
                metricsAllow,
                mcp,
                ingest,
                new Security(
                        s.daedalusPrincipal(),
                        s.daedalusAudience(),
                        key,
                        s.ratePerSecond(),
                        s.rateBurst(),
                        s.queryTimeoutSeconds(),
                        s.mcpSessionIdleSeconds(),
                        s.healthCacheSeconds(),
                        s.plugin(),
                        s.loopbackToken()));
    }

    /** The same settings with uploads spooled here (the data directory given to ./mnemo serve --data). */
    public GatewayConfig withUploadSpool(Path spool) {
        return new GatewayConfig(
                httpHost,
                httpPort,
                neo4jUri,
                neo4jUser,
                neo4jPassword,
                adminToken,
                daedalusKeys,
                maxBodyBytes,
                metricsAllow,
                mcp,
                ingest.withUploadSpool(spool),
                security);
    }

    public boolean metricsAllowed(InetAddress address) {
        return metricsAllow.stream().anyMatch(n -> n.contains(address));
    }

    private static String value(Map<String, String> env, String name, String fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    private static long number(Map<String, String> env, String name, long fallback, long min, long max) {
        String v = value(env, name, null);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + " must be a whole number in " + min + ".." + max + ", got '" + v + "'");
        }
    }

    private static boolean bool(Map<String, String> env, String name, boolean fallback) {
        String v = value(env, name, null);
        if (v == null) {
            return fallback;
        }
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
        };
    }

    /** A comma-separated list; where {@code starMeansAny}, "*" alone means "no restriction" (an empty list). */
    private static List<String> list(String spec, boolean starMeansAny) {
        List<String> items = new ArrayList<>();
        for (String item : spec.split(",")) {
            if (!item.isBlank()) {
                items.add(item.strip());
            }
        }
        return starMeansAny && items.equals(List.of("*")) ? List.of() : List.copyOf(items);
    }

    private static String adminToken(String token) {
        if (token != null && token.length() < 24) {
            throw new IllegalArgumentException("MNEMO_ADMIN_TOKEN must be at least 24 characters");
        }
        return token;
    }

    /** {@code kid:secret,kid2:secret2}; each secret at least 32 bytes (HS256). */
    private static Map<String, byte[]> keys(String spec) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("MNEMO_DAEDALUS_JWT_KEYS must be kid:secret[,kid:secret…]");
            }
            String kid = entry.substring(0, colon).strip();
            byte[] secret = entry.substring(colon + 1).strip().getBytes(StandardCharsets.UTF_8);
            if (secret.length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException("MNEMO_DAEDALUS_JWT_KEYS: the secret of kid '" + kid
                        + "' must be at least " + MIN_KEY_BYTES + " bytes (HS256)");
            }
            keys.put(kid, secret);
        }
        return Map.copyOf(keys);
    }

    private static List<Network> networks(String spec) {
        List<Network> networks = new ArrayList<>();
        for (String entry : spec.split(",")) {
            if (!entry.isBlank()) {
                networks.add(Network.parse(entry.strip()));
            }
        }
        return List.copyOf(networks);
    }

    /** An address range in CIDR notation (a bare address is a /32 or /128). */
    public record Network(byte[] address, int prefix) {
        static Network parse(String cidr) {
            String[] parts = cidr.split("/", 2);
            try {
                if (!parts[0].matches("[0-9a-fA-F:.]+")) {
                    throw new UnknownHostException(parts[0]);
                }
                byte[] address = InetAddress.getByName(parts[0]).getAddress();
                int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : address.length * 8;
                if (prefix < 0 || prefix > address.length * 8) {
                    throw new NumberFormatException();
                }
                return new Network(address, prefix);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException(
                        "MNEMO_METRICS_ALLOW: '" + cidr + "' is not an IP address or CIDR range");
            }
        }

        boolean contains(InetAddress candidate) {
            byte[] other = candidate.getAddress();
            if (other.length != address.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((other[bit / 8] & mask) != (address[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
