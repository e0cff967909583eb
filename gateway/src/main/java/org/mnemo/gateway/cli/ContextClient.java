package org.mnemo.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.mnemo.gateway.web.Json;

/**
 * The HTTP side of the coding-agent helpers: a running gateway at MNEMO_URL (default the local one) with the bearer
 * MNEMO_TOKEN. Short timeouts: a helper in an agent's hook must never hold the agent up.
 */
final class ContextClient {
    private static final Duration CONNECT = Duration.ofSeconds(2);
    private static final Duration REQUEST = Duration.ofSeconds(15);

    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT).build();

    ContextClient() {
        this.base = stripSlash(Environment.get("MNEMO_URL", "http://127.0.0.1:"
                + Environment.get("MNEMO_HTTP_PORT", "8080")));
        this.token = Environment.get("MNEMO_TOKEN", null);
    }

    /** POSTs a JSON body to an /atocore/ route; the parsed answer, or an IOException saying what went wrong. */
    JsonNode post(String path, Map<String, Object> body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body().isBlank() ? null : Json.MAPPER.readTree(response.body());
        if (response.statusCode() >= 300) {
            throw new IOException(base + path + " answered " + response.statusCode()
                    + (json == null ? "" : " " + json.path("code").asText() + ": " + json.path("detail").asText()));
        }
        return json;
    }

    String base() {
        return base;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
