package org.mnemo.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.web.Json;

/** The gateway's REST API over real HTTP, as a client sees it: JSON in, status and JSON out; the admin's helpers. */
public class ApiClient {
    protected final String base;
    protected final String adminToken;
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

    public ApiClient(String base, String adminToken) {
        this.base = base;
        this.adminToken = adminToken;
    }

    public String url(String path) {
        return base + path;
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
            String payload = body == null ? null : body instanceof String s ? s : Json.MAPPER.writeValueAsString(body);
            request.method(
                    method,
                    payload == null
                            ? HttpRequest.BodyPublishers.noBody()
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

    /** A multipart/form-data upload as a browser sends it: the form fields, then the file. */
    public HttpRequest multipart(
            String path, String token, Map<String, String> fields, String filename, String content) {
        String boundary = "----mnemo" + System.nanoTime();
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append("--")
                .append(boundary)
                .append("\r\n")
                .append("Content-Disposition: form-data; name=\"")
                .append(k)
                .append("\"\r\n\r\n")
                .append(v)
                .append("\r\n"));
        body.append("--")
                .append(boundary)
                .append("\r\n")
                .append("Content-Disposition: form-data; name=\"file\"; filename=\"")
                .append(filename)
                .append("\"\r\n")
                .append("Content-Type: application/octet-stream\r\n\r\n")
                .append(content)
                .append("\r\n")
                .append("--")
                .append(boundary)
                .append("--\r\n");
        return HttpRequest.newBuilder(URI.create(url(path)))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                .build();
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
        if (OpenApiContract.enabled()) {
            conforms(raw);
        }
        return new Response(raw.statusCode(), raw, json);
    }

    /**
     * Holds the response to the OpenAPI document of the gateway that sent it ({@link OpenApiContract}): a test whose
     * response differs from the declared schema fails here, naming the route, the status and what differs.
     */
    private static void conforms(HttpResponse<String> raw) {
        URI uri = raw.request().uri();
        String base = uri.getScheme() + "://" + uri.getRawAuthority();
        List<String> problems = OpenApiContract.of(base)
                .problems(
                        raw.request().method(),
                        uri.getPath(),
                        raw.statusCode(),
                        raw.headers().firstValue("Content-Type").orElse(null),
                        raw.body());
        if (!problems.isEmpty()) {
            throw new AssertionError("the response does not match the OpenAPI document (" + OpenApiContract.PROPERTY
                    + "):\n  " + String.join("\n  ", problems) + "\nbody: " + OpenApiContract.abbreviate(raw.body()));
        }
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
        return principal(Map.of("id", id, "name", id, "role", "service", "capabilities", List.of("manage_workspaces")));
    }

    private String principal(Map<String, Object> body) {
        Response created = post("/api/users/", adminToken, body);
        if (created.status() != 201) {
            throw new IllegalStateException(
                    "cannot create " + body.get("id") + ": " + created.raw().body());
        }
        return created.json().path("token").path("token").asText();
    }

    /** The admin creates a root workspace (if missing) and grants a principal a role on it. */
    public void grant(String workspace, String principal, String role) {
        Response tree = put("/api/memory/workspaces/" + workspace + "/", adminToken, Map.of("name", workspace));
        Response granted = put(
                "/api/memory/workspaces/" + workspace + "/members/" + principal + "/",
                adminToken,
                Map.of("role", role));
        if (tree.status() != 200 || granted.status() != 200) {
            throw new IllegalStateException("cannot grant " + principal + " " + role + " on " + workspace + ": "
                    + tree.raw().body() + " / " + granted.raw().body());
        }
    }

    /** A token of {@code userToken}'s owner bound to these workspaces (which it must hold). */
    public String boundToken(String userToken, String... workspaces) {
        Response created =
                post("/api/tokens/", userToken, Map.of("name", "bound", "workspace_ids", List.of(workspaces)));
        if (created.status() != 201) {
            throw new IllegalStateException(
                    "cannot create a bound token: " + created.raw().body());
        }
        return created.json().path("token").asText();
    }
}
