package org.mnemo.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.Gateway;
import org.mnemo.gateway.config.GatewayConfig;
import org.mnemo.gateway.server.EmbeddedServer;
import org.gaul.s3proxy.junit.S3ProxyJunitCore;
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
public final class TestGateway {
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
    public static final String DAEDALUS_KID = "daedalus-1";
    public static final String DAEDALUS_SECRET = "daedalus-test-secret-0123456789-abcdefghij";
    /** The service account Daedalus' turn JWTs act for (MNEMO_DAEDALUS_PRINCIPAL's default). */
    public static final String DAEDALUS_PRINCIPAL = "daedalus";
    /** Seals the team signing keys (base64 of 32 bytes). */
    public static final String SECRET_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    static final String PASSWORD = "gateway-test-password";

    public static final String S3_ACCESS = "test-access";
    public static final String S3_SECRET = "test-secret-key";
    public static final String SOURCE_BUCKET = "daedalus-files";
    public static final String OWN_BUCKET = "mnemo-originals";

    private static TestGateway instance;
    private static S3ProxyJunitCore s3;

    public final EmbeddedServer neo4j;
    public final Gateway gateway;
    /** A token of the Daedalus service account (manage_workspaces): it creates workspaces as Daedalus does. */
    public String daedalus;
    private final HttpClient http = HttpClient.newHttpClient();

    /** A response: status, headers and the body as JSON (NullNode when empty or not JSON). */
    public record Response(int status, HttpResponse<String> raw, JsonNode json) {
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public String code() {
            return json.path("code").asText(null);
        }
    }

    private TestGateway(EmbeddedServer neo4j, Gateway gateway) {
        this.neo4j = neo4j;
        this.gateway = gateway;
    }

    public static synchronized TestGateway get() {
        if (instance == null) {
            try {
                s3 = new S3ProxyJunitCore.Builder().withCredentials(S3_ACCESS, S3_SECRET).build();
                s3.beforeEach();
                try (S3Client client = s3Client()) {
                    client.createBucket(b -> b.bucket(SOURCE_BUCKET));
                    client.createBucket(b -> b.bucket(OWN_BUCKET));
                }
                Path data = Files.createTempDirectory("mnemo-gateway-test");
                EmbeddedServer neo4j = EmbeddedServer.start(new EmbeddedServer.Settings(data,
                        Path.of("target/plugins"), "127.0.0.1", freePort(), PASSWORD));
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
        Map<String, String> env = new HashMap<>(Map.of(
                "MNEMO_HTTP_PORT", "0",
                "MNEMO_NEO4J_URI", boltUri,
                "MNEMO_NEO4J_PASSWORD", PASSWORD,
                "MNEMO_ADMIN_TOKEN", ADMIN_TOKEN,
                "MNEMO_DAEDALUS_JWT_KEYS", DAEDALUS_KID + ":" + DAEDALUS_SECRET,
                "MNEMO_MAX_BODY_BYTES", "1048576",
                "MNEMO_SECRET_KEY", SECRET_KEY,
                // Tests fire thousands of requests per credential; RateLimitTest starts a gateway with tight limits.
                "MNEMO_RATE_LIMIT_PER_SECOND", "1000000",
                "MNEMO_RATE_LIMIT_BURST", "1000000"));
        if (s3 != null) {
            String endpoint = s3.getUri().toString();
            for (String prefix : List.of("MNEMO_SOURCE_DAEDALUS_", "MNEMO_STORAGE_")) {
                env.put(prefix + "ENDPOINT", endpoint);
                env.put(prefix + "ACCESS_KEY", S3_ACCESS);
                env.put(prefix + "SECRET_KEY", S3_SECRET);
            }
            env.put("MNEMO_SOURCE_DAEDALUS_BUCKET", SOURCE_BUCKET);
            env.put("MNEMO_SOURCE_DAEDALUS_PRINCIPALS", DAEDALUS_PRINCIPAL + ",daedalus-producer,other-producer");
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
        }
        env.putAll(extra);
        return GatewayConfig.from(env);
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

    public String url(String path) {
        return "http://127.0.0.1:" + gateway.port() + path;
    }

    public Response get(String path, String token) {
        return send("GET", path, token, null);
    }

    public Response delete(String path, String token) {
        return send("DELETE", path, token, null);
    }

    public Response post(String path, String token, Object body) {
        return send("POST", path, token, body);
    }

    public Response put(String path, String token, Object body) {
        return send("PUT", path, token, body);
    }

    /** Sends a request; a String body goes as is (to send broken JSON), anything else as JSON. */
    public Response send(String method, String path, String token, Object body) {
        return send(method, path, token, body, Map.of());
    }

    /** The same with extra headers (X-Workspace-ID, say). */
    public Response send(String method, String path, String token, Object body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        try {
            String payload = body == null ? null
                    : body instanceof String s ? s : Json.MAPPER.writeValueAsString(body);
            request.method(method, payload == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
            if (payload != null) {
                request.header("Content-Type", "application/json");
            }
            return response(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response send(HttpRequest request) {
        try {
            return response(http.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Response response(HttpResponse<String> raw) {
        JsonNode json = NullNode.getInstance();
        if (!raw.body().isEmpty()) {
            try {
                json = Json.MAPPER.readTree(raw.body());
            } catch (IOException e) {
                json = NullNode.getInstance();
            }
        }
        return new Response(raw.statusCode(), raw, json);
    }

    /** Creates a user through the API and returns its first token (every library it may read; no workspace). */
    public String user(String id) {
        return principal(Map.of("id", id, "name", id));
    }

    /** Creates a user that a service account manages (its grants need no consent); returns its first token. */
    public String userManagedBy(String id, String service) {
        return principal(Map.of("id", id, "name", id, "managed_by", service));
    }

    /** Creates a service account with manage_workspaces and returns its first token (all it manages). */
    public String service(String id) {
        return principal(Map.of("id", id, "name", id, "role", "service", "capabilities",
                List.of("manage_workspaces")));
    }

    private String principal(Map<String, Object> body) {
        Response created = post("/api/users/", ADMIN_TOKEN, body);
        if (created.status() != 201) {
            throw new IllegalStateException("cannot create " + body.get("id") + ": " + created.raw().body());
        }
        return created.json().path("token").path("token").asText();
    }

    /** The admin creates a root workspace (if missing) and grants a principal a role on it. */
    public void grant(String workspace, String principal, String role) {
        Response tree = put("/api/memory/workspaces/" + workspace + "/", ADMIN_TOKEN, Map.of("name", workspace));
        Response granted = put("/api/memory/workspaces/" + workspace + "/members/" + principal + "/", ADMIN_TOKEN,
                Map.of("role", role));
        if (tree.status() != 200 || granted.status() != 200) {
            throw new IllegalStateException("cannot grant " + principal + " " + role + " on " + workspace + ": "
                    + tree.raw().body() + " / " + granted.raw().body());
        }
    }

    /** A token of {@code userToken}'s owner bound to these workspaces (which it must hold). */
    public String boundToken(String userToken, String... workspaces) {
        Response created = post("/api/tokens/", userToken, Map.of("name", "bound", "workspace_ids",
                List.of(workspaces)));
        if (created.status() != 201) {
            throw new IllegalStateException("cannot create a bound token: " + created.raw().body());
        }
        return created.json().path("token").asText();
    }
}
