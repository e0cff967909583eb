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
import java.util.Map;
import org.mnemo.gateway.Gateway;
import org.mnemo.gateway.config.GatewayConfig;
import org.mnemo.gateway.server.EmbeddedServer;
import org.neo4j.graphdb.GraphDatabaseService;

/**
 * One real gateway for the REST tests, started once per JVM: Neo4j in this process with the plugin jars from
 * target/plugins (as ./mnemo serve runs it), the gateway on a free port, and plain HTTP against it.
 */
public final class TestGateway {
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
    public static final String DAEDALUS_KID = "daedalus-1";
    public static final String DAEDALUS_SECRET = "daedalus-test-secret-0123456789-abcdefghij";
    static final String PASSWORD = "gateway-test-password";

    private static TestGateway instance;

    public final EmbeddedServer neo4j;
    public final Gateway gateway;
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
                Path data = Files.createTempDirectory("mnemo-gateway-test");
                EmbeddedServer neo4j = EmbeddedServer.start(new EmbeddedServer.Settings(data,
                        Path.of("target/plugins"), "127.0.0.1", freePort(), PASSWORD));
                Gateway gateway = Gateway.start(config(neo4j.boltUri(), Map.of()));
                instance = new TestGateway(neo4j, gateway);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    gateway.close();
                    neo4j.close();
                }));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    static GatewayConfig config(String boltUri, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "MNEMO_HTTP_PORT", "0",
                "MNEMO_NEO4J_URI", boltUri,
                "MNEMO_NEO4J_PASSWORD", PASSWORD,
                "MNEMO_ADMIN_TOKEN", ADMIN_TOKEN,
                "MNEMO_DAEDALUS_JWT_KEYS", DAEDALUS_KID + ":" + DAEDALUS_SECRET,
                "MNEMO_MAX_BODY_BYTES", "1048576"));
        env.putAll(extra);
        return GatewayConfig.from(env);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
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
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
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

    /** Creates a user through the API and returns its first (unrestricted) token. */
    public String user(String id) {
        Response created = post("/api/users/", ADMIN_TOKEN, Map.of("id", id, "name", id));
        if (created.status() != 201) {
            throw new IllegalStateException("cannot create user " + id + ": " + created.raw().body());
        }
        return created.json().path("token").path("token").asText();
    }
}
