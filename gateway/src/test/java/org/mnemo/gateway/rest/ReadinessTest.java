package org.mnemo.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnemo.embedded.EmbeddedServer;
import org.mnemo.gateway.Gateway;

/** /ready names each broken dependency; /metrics is refused outside MNEMO_METRICS_ALLOW. */
class ReadinessTest {

    @Test
    void readyIs503NamingTheBrokenSchemaAndThenTheDatabase(@TempDir Path data) throws Exception {
        EmbeddedServer neo4j = EmbeddedServer.start(new EmbeddedServer.Settings(
                data, Path.of("target/plugins"), "127.0.0.1", TestGateway.freePort(), TestGateway.PASSWORD));
        try (Gateway gateway =
                        Gateway.start(TestGateway.config(neo4j.boltUri(), Map.of("MNEMO_HEALTH_CACHE_SECONDS", "0")));
                Gateway caching = Gateway.start(
                        TestGateway.config(neo4j.boltUri(), Map.of("MNEMO_HEALTH_CACHE_SECONDS", "3600")))) {
            TestGateway.Response ready = get(gateway, "/ready/");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(get(caching, "/ready/").status()).isEqualTo(200);

            neo4j.database().executeTransactionally("DROP INDEX mnemo_chunk_text");
            ready = get(gateway, "/ready/");
            assertThat(ready.status()).isEqualTo(503);
            // Unauthenticated probes reuse the last result: a flood of them costs no model call each.
            assertThat(get(caching, "/ready/").status()).isEqualTo(200);
            assertThat(ready.json().path("status").asText()).isEqualTo("not_ready");
            assertThat(ready.json().path("checks").path("schema").path("status").asText())
                    .isEqualTo("error");
            assertThat(ready.json().path("checks").path("schema").path("detail").asText())
                    .contains("mnemo_chunk_text");
            assertThat(ready.json().path("checks").path("neo4j").path("status").asText())
                    .isEqualTo("ok");

            neo4j.close();
            ready = get(gateway, "/ready/");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().path("checks").path("neo4j").path("status").asText())
                    .isEqualTo("error");
            assertThat(get(gateway, "/live/").status()).isEqualTo(200);
            TestGateway.Response down = get(gateway, "/library/api/libraries/", TestGateway.ADMIN_TOKEN);
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.code()).isEqualTo("database_unavailable");
        } finally {
            neo4j.close();
        }
    }

    @Test
    void metricsAreRefusedToAddressesOutsideTheAllowList() {
        TestGateway shared = TestGateway.get();
        try (Gateway gateway = Gateway.start(
                TestGateway.config(shared.neo4j.boltUri(), Map.of("MNEMO_METRICS_ALLOW", "10.0.0.0/8")))) {
            TestGateway.Response metrics = get(gateway, "/metrics");
            assertThat(metrics.status()).isEqualTo(403);
            assertThat(metrics.code()).isEqualTo("forbidden");
        }
    }

    private static TestGateway.Response get(Gateway gateway, String path) {
        return get(gateway, path, null);
    }

    private static TestGateway.Response get(Gateway gateway, String path, String token) {
        var builder =
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + gateway.port() + path));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return TestGateway.get().send(builder.GET().build());
    }
}
