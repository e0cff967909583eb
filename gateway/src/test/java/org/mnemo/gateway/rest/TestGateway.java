package org.mnemo.gateway.rest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.gaul.s3proxy.junit.S3ProxyJunitCore;
import org.mnemo.embedded.EmbeddedServer;
import org.mnemo.gateway.Gateway;
import org.mnemo.gateway.config.GatewayConfig;
import org.neo4j.graphdb.GraphDatabaseService;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One real gateway for the REST tests, started once per JVM: Neo4j in this process with the plugin jars from
 * target/plugins (as ./mnemo serve runs it), the gateway on a free port, and plain HTTP against it.
 */
public final class TestGateway extends ApiClient {
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
    public static final String DAEDALUS_KID = "daedalus-1";
    public static final String DAEDALUS_SECRET = "daedalus-test-secret-0123456789-abcdefghij";
    /** The service account Daedalus' turn JWTs act for (MNEMO_DAEDALUS_PRINCIPAL's default). */
    public static final String DAEDALUS_PRINCIPAL = "daedalus";
    /** Seals the team signing keys (base64 of 32 bytes). */
    public static final String SECRET_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    public static final String PASSWORD = "gateway-test-password";

    public static final String S3_ACCESS = "test-access";
    public static final String S3_SECRET = "test-secret-key";
    public static final String SOURCE_BUCKET = "daedalus-files";
    public static final String OWN_BUCKET = "mnemo-originals";
    /** The upload bucket of tests that store uploads in S3 (MNEMO_UPLOAD_BUCKET). */
    public static final String UPLOAD_BUCKET = "mnemo-uploads";
    /** The upload spool of the test gateways (created on first upload), outside the source tree. */
    public static final Path UPLOAD_SPOOL = Path.of(
            System.getProperty("java.io.tmpdir"), "mnemo-test-uploads-" + java.util.UUID.randomUUID(), "uploads");

    private static TestGateway instance;
    private static S3ProxyJunitCore s3;

    public final EmbeddedServer neo4j;
    public final Gateway gateway;
    /** A token of the Daedalus service account (manage_workspaces): it creates workspaces as Daedalus does. */
    public String daedalus;

    private TestGateway(EmbeddedServer neo4j, Gateway gateway) {
        super("http://127.0.0.1:" + gateway.port(), ADMIN_TOKEN);
        this.neo4j = neo4j;
        this.gateway = gateway;
    }

    public static synchronized TestGateway get() {
        if (instance == null) {
            try {
                s3 = new S3ProxyJunitCore.Builder()
                        .withCredentials(S3_ACCESS, S3_SECRET)
                        .build();
                s3.beforeEach();
                try (S3Client client = s3Client()) {
                    client.createBucket(b -> b.bucket(SOURCE_BUCKET));
                    client.createBucket(b -> b.bucket(OWN_BUCKET));
                    client.createBucket(b -> b.bucket(UPLOAD_BUCKET));
                }
                Path data = Files.createTempDirectory("mnemo-gateway-test");
                EmbeddedServer neo4j = EmbeddedServer.start(new EmbeddedServer.Settings(
                        data, Path.of("target/plugins"), "127.0.0.1", freePort(), PASSWORD));
                Gateway gateway = Gateway.start(config(neo4j.boltUri(), Map.of()));
                instance = new TestGateway(neo4j, gateway);
                instance.daedalus = instance.service(DAEDALUS_PRINCIPAL);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    gateway.close();
                    neo4j.close();
                    s3.afterEach();
                }));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the S3 server", e);
            }
        }
        return instance;
    }

    public static GatewayConfig config(String boltUri, Map<String, String> extra) {
        return config(boltUri, extra, true);
    }

    /** The test configuration; {@code buckets}: with the S3 buckets of the test S3 server (and an offline one). */
    public static GatewayConfig config(String boltUri, Map<String, String> extra, boolean buckets) {
        Map<String, String> env = new HashMap<>(Map.of(
                "MNEMO_HTTP_PORT",
                "0",
                "MNEMO_NEO4J_URI",
                boltUri,
                "MNEMO_NEO4J_PASSWORD",
                PASSWORD,
                "MNEMO_ADMIN_TOKEN",
                ADMIN_TOKEN,
                "MNEMO_DAEDALUS_JWT_KEYS",
                DAEDALUS_KID + ":" + DAEDALUS_SECRET,
                "MNEMO_MAX_BODY_BYTES",
                "1048576",
                "MNEMO_SECRET_KEY",
                SECRET_KEY,
                "MNEMO_UPLOAD_SPOOL",
                UPLOAD_SPOOL.toString(),
                // Tests fire thousands of requests per credential; RateLimitTest starts a gateway with tight limits.
                "MNEMO_RATE_LIMIT_PER_SECOND",
                "1000000",
                "MNEMO_RATE_LIMIT_BURST",
                "1000000"));
        if (s3 != null && buckets) {
            String endpoint = s3.getUri().toString();
            for (String prefix : List.of("MNEMO_SOURCE_DAEDALUS_", "MNEMO_STORAGE_")) {
                env.put(prefix + "ENDPOINT", endpoint);
                env.put(prefix + "ACCESS_KEY", S3_ACCESS);
                env.put(prefix + "SECRET_KEY", S3_SECRET);
            }
            env.put("MNEMO_SOURCE_DAEDALUS_BUCKET", SOURCE_BUCKET);
            env.put(
                    "MNEMO_SOURCE_DAEDALUS_PRINCIPALS",
                    DAEDALUS_PRINCIPAL + ",daedalus-producer,other-producer,collision-producer");
            env.put("MNEMO_STORAGE_BUCKET", OWN_BUCKET);
            // A source whose server is down: nothing listens on port 9 (discard) here.
            env.put("MNEMO_SOURCE_OFFLINE_BUCKET", "offline");
            env.put("MNEMO_SOURCE_OFFLINE_ENDPOINT", "http://127.0.0.1:9");
            env.put("MNEMO_SOURCE_OFFLINE_PRINCIPALS", "*");
            // The same bucket, each workspace confined to its own prefix.
            for (String key : List.of("ENDPOINT", "ACCESS_KEY", "SECRET_KEY")) {
                env.put("MNEMO_SOURCE_TENANTS_" + key, env.get("MNEMO_SOURCE_DAEDALUS_" + key));
            }
            env.put("MNEMO_SOURCE_TENANTS_BUCKET", SOURCE_BUCKET);
            env.put("MNEMO_SOURCE_TENANTS_PRINCIPALS", "daedalus-producer");
            env.put("MNEMO_SOURCE_TENANTS_KEY_PREFIX", "tenants/{workspace_id}/");
            env.put("MNEMO_INGEST_RETRY_BASE_MS", "300");
            env.put("MNEMO_INGEST_LEASE_SECONDS", "6");
            // A parser that loops is given up after this; the hostile-file test relies on it.
            env.put("MNEMO_INGEST_EXTRACT_TIMEOUT_SECONDS", "10");
        }
        env.putAll(extra);
        return GatewayConfig.from(env);
    }

    /** The variables that make a gateway store its uploads in {@link #UPLOAD_BUCKET} of the test S3 server. */
    public static Map<String, String> uploadBucket() {
        return Map.of(
                "MNEMO_UPLOAD_BUCKET",
                UPLOAD_BUCKET,
                "MNEMO_UPLOAD_ENDPOINT",
                s3.getUri().toString(),
                "MNEMO_UPLOAD_ACCESS_KEY",
                S3_ACCESS,
                "MNEMO_UPLOAD_SECRET_KEY",
                S3_SECRET);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A client of the test S3 server (the producer's side). */
    public static S3Client s3Client() {
        return S3Client.builder()
                .endpointOverride(s3.getUri())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3_ACCESS, S3_SECRET)))
                .build();
    }

    public GraphDatabaseService db() {
        return neo4j.database();
    }
}
