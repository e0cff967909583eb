package org.mnemo.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.mnemo.gateway.web.Json;

/**
 * The launcher's side of a running gateway: MNEMO_URL (default the local one) with the bearer MNEMO_TOKEN, over the
 * same REST routes as any client — so the gateway checks every grant, and the CLI can do no more than its token.
 * Short timeouts: a helper in an agent's hook must never hold the agent up.
 */
final class GatewayClient {
    private static final Duration CONNECT = Duration.ofSeconds(2);
    private static final Duration REQUEST = Duration.ofSeconds(15);

    /** A status and the parsed body (null when empty). */
    record Answer(int status, JsonNode json) {}

    /** The gateway could not be asked, or refused: the message says which, and what to do. */
    static class Failure extends IOException {
        Failure(String message) {
            super(message);
        }
    }

    /** A refusal by the gateway: its status with Mnemo's {code, detail}. */
    static final class Refused extends Failure {
        private final int status;
        private final String code;

        Refused(String base, String path, int status, String code, String detail) {
            super(base + path + " answered " + status + (code.isEmpty() ? "" : " " + code + ": " + detail));
            this.status = status;
            this.code = code;
        }

        int status() {
            return status;
        }

        String code() {
            return code;
        }
    }

    private final String base;
    private final String token;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(CONNECT).build();

    GatewayClient() {
        this(Environment.gatewayUrl(), Environment.get("MNEMO_TOKEN", null));
    }

    GatewayClient(String base, String token) {
        this.base = stripSlash(base);
        this.token = token;
    }

    /** POSTs a JSON body; the parsed answer, or an IOException saying what went wrong. */
    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        return checked(path, exchange("POST", path, body));
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return checked(path, exchange("GET", path, null));
    }

    JsonNode delete(String path) throws IOException, InterruptedException {
        return checked(path, exchange("DELETE", path, null));
    }

    /** Any answer, refusals included (GET /ready/ says what is broken in its 503). */
    Answer exchange(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST);
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException e) {
            throw new Failure("cannot reach the gateway at " + base + " (MNEMO_URL): is ./mnemo serve running?");
        } catch (java.net.http.HttpTimeoutException e) {
            throw new Failure(base + path + " did not answer within " + REQUEST.toSeconds() + " s");
        }
        JsonNode json = null;
        if (!response.body().isBlank()) {
            try {
                json = Json.MAPPER.readTree(response.body());
            } catch (IOException e) {
                throw new Failure(base + path + " answered " + response.statusCode() + " with a body that is "
                        + "not JSON: is MNEMO_URL a Mnemo gateway?");
            }
        }
        return new Answer(response.statusCode(), json);
    }

    private JsonNode checked(String path, Answer answer) throws Refused {
        if (answer.status() >= 300) {
            JsonNode json = answer.json();
            throw new Refused(
                    base,
                    path,
                    answer.status(),
                    json == null ? "" : json.path("code").asText(),
                    json == null ? "" : json.path("detail").asText());
        }
        return answer.json();
    }

    String base() {
        return base;
    }

    boolean hasToken() {
        return token != null;
    }

    /** Refuses early, saying where a token comes from, when a command needs one and MNEMO_TOKEN is unset. */
    void requireToken(String what) throws Failure {
        if (token == null) {
            throw new Failure(what + " needs a bearer token in MNEMO_TOKEN: the admin token ./mnemo serve printed "
                    + "at first start (or MNEMO_ADMIN_TOKEN), or one made with ./mnemo token create");
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
