package org.mnemo.procedures.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mnemo.procedures.embed.EmbedderSettings;

/** The remote provider against a stand-in HTTP server (MockWebServer): a real remote API cannot run here. */
class OpenAiEmbedderTest {
    MockWebServer server;
    String baseUrl;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start();
        baseUrl = server.url("/v1").toString();
    }

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
    }

    private OpenAiEmbedder embedder(int batchSize, int retries) {
        var settings = new EmbedderSettings(
                "openai", "test-model", baseUrl, "secret", 3, batchSize, Duration.ofSeconds(2), retries);
        return new OpenAiEmbedder(
                settings,
                new OpenAiClient(
                        baseUrl, "secret", Duration.ofSeconds(2), retries, Duration.ofMillis(1), Clock.systemUTC()));
    }

    private static MockResponse vectors(int n) {
        StringBuilder data = new StringBuilder();
        for (int i = n - 1; i >= 0; i--) {
            data.append(data.isEmpty() ? "" : ",")
                    .append("{\"index\":")
                    .append(i)
                    .append(",\"embedding\":[")
                    .append(i)
                    .append(",0.5,1]}");
        }
        return new MockResponse().setBody("{\"data\":[" + data + "]}");
    }

    @Test
    void batchesRequestsAndRestoresOrderFromTheIndex() throws InterruptedException {
        server.enqueue(vectors(2));
        server.enqueue(vectors(1));
        List<float[]> result = embedder(2, 0).embed(List.of("a", "b", "c"));
        assertThat(result).hasSize(3);
        assertThat(result.get(0)[0]).isEqualTo(0f);
        assertThat(result.get(1)[0]).isEqualTo(1f);
        RecordedRequest first = server.takeRequest();
        assertThat(first.getPath()).isEqualTo("/v1/embeddings");
        assertThat(first.getHeader("Authorization")).isEqualTo("Bearer secret");
        assertThat(first.getBody().readUtf8())
                .contains("\"model\":\"test-model\"")
                .contains("[\"a\",\"b\"]");
    }

    @Test
    void retriesServerErrorsThenSucceeds() {
        server.enqueue(new MockResponse().setResponseCode(503));
        server.enqueue(vectors(1));
        assertThat(embedder(8, 2).embed(List.of("a"))).hasSize(1);
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void clientErrorsAreNotRetriedAndDoNotTripTheBreaker() {
        for (int i = 0; i < 5; i++) {
            server.enqueue(new MockResponse().setResponseCode(400).setBody("{\"error\":\"bad input\"}"));
        }
        server.enqueue(vectors(1));
        OpenAiEmbedder embedder = embedder(8, 3);
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> embedder.embed(List.of("a"))).hasMessageContaining("HTTP 400");
        }
        assertThat(embedder.embed(List.of("a"))).hasSize(1);
        assertThat(server.getRequestCount()).isEqualTo(6);
    }

    @Test
    void afterThreeConsecutiveFailuresCallsFailFastUntilThePauseEnds() {
        for (int i = 0; i < 3; i++) {
            server.enqueue(new MockResponse().setResponseCode(500));
        }
        server.enqueue(vectors(1));
        Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            public Instant instant() {
                return now[0];
            }
        };
        var client = new OpenAiClient(baseUrl, "", Duration.ofSeconds(2), 5, Duration.ofMillis(1), clock);
        var embedder = new OpenAiEmbedder(
                new EmbedderSettings("openai", "m", baseUrl, "", 3, 8, Duration.ofSeconds(2), 5), client);
        assertThat(embedder.failingFast()).isFalse();
        assertThatThrownBy(() -> embedder.embed(List.of("a"))).hasMessageContaining("HTTP 500");
        assertThat(server.getRequestCount()).isEqualTo(3);
        assertThat(embedder.failingFast()).isTrue();
        assertThat(embedder.breakerOpenings()).isEqualTo(1);
        assertThatThrownBy(() -> embedder.embed(List.of("a")))
                .hasMessageContaining("provider_unavailable")
                .hasMessageContaining("fail fast");
        assertThat(server.getRequestCount()).isEqualTo(3);
        now[0] = now[0].plusSeconds(61);
        assertThat(embedder.failingFast()).isFalse();
        assertThat(embedder.embed(List.of("a"))).hasSize(1);
        assertThat(embedder.breakerOpenings()).isEqualTo(1);
    }

    @Test
    void aWrongDimensionIsReported() {
        server.enqueue(new MockResponse().setBody("{\"data\":[{\"index\":0,\"embedding\":[1,2]}]}"));
        assertThatThrownBy(() -> embedder(8, 0).embed(List.of("a")))
                .hasMessageContaining("returned dimension 2 but mnemo.embedding.dimension is 3");
    }

    @Test
    void baseUrlsMustFollowTheV1Convention() {
        assertThat(OpenAiClient.validateBaseUrl("https://api.openai.com/v1/")).isEqualTo("https://api.openai.com/v1");
        assertThatThrownBy(() -> OpenAiClient.validateBaseUrl("https://api.openai.com"))
                .hasMessageContaining("must end in /v1")
                .hasMessageContaining("https://api.openai.com/v1");
        assertThatThrownBy(() -> OpenAiClient.validateBaseUrl("https://host/v1/embeddings"))
                .hasMessageContaining("must end in /v1");
        assertThatThrownBy(() -> OpenAiClient.validateBaseUrl("ftp://host/v1")).hasMessageContaining("http(s)");
    }
}
