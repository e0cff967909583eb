package org.mnemo.procedures.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A small JSON client for OpenAI-compatible endpoints: retries with exponential backoff on 5xx, 429 and I/O
 * errors, and a circuit breaker so that a provider that is down fails fast (4xx answers are the caller's fault and
 * neither retry nor trip the breaker).
 */
public final class OpenAiClient {
    static final int BREAKER_THRESHOLD = 3;
    static final Duration BREAKER_OPEN_FOR = Duration.ofSeconds(60);
    private static final MediaType JSON = MediaType.get("application/json");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String baseUrl;
    private final String apiKey;
    private final int maxRetries;
    private final Duration firstBackoff;
    private final OkHttpClient http;
    private final CircuitBreaker breaker;

    public OpenAiClient(String baseUrl, String apiKey, Duration timeout, int maxRetries) {
        this(validateBaseUrl(baseUrl), apiKey, timeout, maxRetries, Duration.ofMillis(500), Clock.systemUTC());
    }

    /**
     * A client of a JSON API that does not follow OpenAI's /v1 convention (a /rerank endpoint, say), with the same
     * retries, timeouts and circuit breaker.
     */
    public static OpenAiClient anyBase(String baseUrl, String apiKey, Duration timeout, int maxRetries) {
        return new OpenAiClient(
                validateHttpUrl(baseUrl), apiKey, timeout, maxRetries, Duration.ofMillis(500), Clock.systemUTC());
    }

    OpenAiClient(String baseUrl, String apiKey, Duration timeout, int maxRetries, Duration firstBackoff, Clock clock) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.maxRetries = maxRetries;
        this.firstBackoff = firstBackoff;
        this.http = new OkHttpClient.Builder()
                .callTimeout(timeout)
                .readTimeout(timeout)
                .retryOnConnectionFailure(false)
                .build();
        this.breaker = new CircuitBreaker(BREAKER_THRESHOLD, BREAKER_OPEN_FOR, clock);
    }

    public static ObjectMapper json() {
        return MAPPER;
    }

    /**
     * Checks that a base URL follows the OpenAI convention of ending in {@code /v1}, so that
     * {@code {base_url}/embeddings} names the real endpoint; a URL missing it is the most common misconfiguration
     * and would otherwise show up only as 404s at ingest time.
     */
    public static String validateBaseUrl(String baseUrl) {
        String trimmed = validateHttpUrl(baseUrl);
        URI uri = URI.create(trimmed);
        if (uri.getPath() == null || !uri.getPath().endsWith("/v1")) {
            throw new IllegalArgumentException("base URL '" + baseUrl + "' must end in /v1 (OpenAI-compatible APIs "
                    + "serve {base_url}/embeddings and {base_url}/chat/completions under it), e.g. "
                    + uri.getScheme() + "://" + uri.getAuthority() + "/v1");
        }
        return trimmed;
    }

    /** An http(s) URL without trailing slashes. */
    static String validateHttpUrl(String baseUrl) {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException("base URL is not set");
        }
        String trimmed = baseUrl.trim().replaceAll("/+$", "");
        URI uri;
        try {
            uri = URI.create(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("base URL '" + baseUrl + "' is not a valid URL");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("base URL '" + baseUrl + "' must be an http(s) URL");
        }
        return trimmed;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Whether calls fail fast now: the provider failed {@value #BREAKER_THRESHOLD} times in a row, recently. */
    public boolean failingFast() {
        return breaker.refusedUntil() != null;
    }

    /** How many times this client's circuit breaker opened. */
    public long breakerOpenings() {
        return breaker.openings();
    }

    /** POSTs a JSON body to {@code {base_url}/{path}} and returns the parsed answer. */
    public JsonNode post(String path, Object body) {
        Instant refusedUntil = breaker.refusedUntil();
        if (refusedUntil != null) {
            throw new ProviderException("provider_unavailable: " + baseUrl + " failed " + BREAKER_THRESHOLD
                    + " times in a row; calls fail fast until " + refusedUntil);
        }
        byte[] payload;
        try {
            payload = MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new ProviderException("could not encode request: " + e.getMessage());
        }
        ProviderException last = null;
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            if (attempt > 0) {
                sleep(firstBackoff.multipliedBy(1L << (attempt - 1)));
            }
            Request.Builder request =
                    new Request.Builder().url(baseUrl + "/" + path).post(RequestBody.create(payload, JSON));
            if (apiKey != null && !apiKey.isBlank()) {
                request.header("Authorization", "Bearer " + apiKey);
            }
            try (Response response = http.newCall(request.build()).execute()) {
                String text = response.body() == null ? "" : response.body().string();
                if (response.isSuccessful()) {
                    breaker.recordSuccess();
                    return MAPPER.readTree(text);
                }
                String problem = path + " answered HTTP " + response.code() + ": " + abbreviate(text);
                if (response.code() == 429) {
                    last = new ProviderException(problem);
                    continue;
                }
                if (response.code() < 500) {
                    throw new ProviderException(problem);
                }
                breaker.recordFailure();
                last = new ProviderException(problem);
            } catch (InterruptedIOException e) {
                breaker.recordFailure();
                last = new ProviderException(path + " timed out at " + baseUrl + ": " + e.getMessage());
            } catch (IOException e) {
                breaker.recordFailure();
                last = new ProviderException(path + " failed at " + baseUrl + ": " + e.getMessage());
            }
            if (breaker.refusedUntil() != null) {
                break;
            }
        }
        throw last;
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "…" : oneLine;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException("interrupted while backing off");
        }
    }

    /** A remote provider could not give an answer. */
    public static final class ProviderException extends RuntimeException {
        public ProviderException(String message) {
            super(message);
        }
    }
}
