package org.mnemo.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.rest.TestGateway;
import org.mnemo.gateway.web.Json;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;

/** The search benchmark at its smallest scale: the harness works and its numbers are sane (not a timing test). */
class BenchSmokeTest {

    @Test
    void runsEverySystemInBothScopesAndWritesItsTables() throws Exception {
        TestGateway gw = TestGateway.get();
        Path out = Path.of("target/bench-smoke");
        try (MnemoClient client = new MnemoClient(gw.neo4j.boltUri(), "neo4j", "gateway-test-password");
                Driver driver =
                        GraphDatabase.driver(gw.neo4j.boltUri(), AuthTokens.basic("neo4j", "gateway-test-password"))) {
            BenchCommand.search(client, driver, gw.url(""), TestGateway.ADMIN_TOKEN, 150, 5, out);
        }
        JsonNode raw = Json.MAPPER.readTree(Files.readString(out.resolve("search-150.json")));
        // 4 systems x 5 scopes (all, 25%, 5%, 1%, one small library), 3 legs x 5 scopes, 3 end-to-end paths.
        assertThat(raw.path("rows")).hasSize(38);
        assertThat(raw.path("scopes"))
                .extracting(s -> s.path("scope").asText())
                .containsExactly("all", "25%", "5%", "1%", "small");
        raw.path("rows").forEach(row -> {
            assertThat(row.path("p50_ms").asDouble()).isPositive();
            assertThat(row.path("p99_ms").asDouble())
                    .isGreaterThanOrEqualTo(row.path("p50_ms").asDouble());
            // The median of the repeats lies within their range.
            assertThat(row.path("p50_ms").asDouble())
                    .isBetween(
                            row.path("p50_min_ms").asDouble(),
                            row.path("p50_max_ms").asDouble());
        });
        assertThat(raw.path("rows").get(0).path("qps_c4").asDouble()).isPositive();
        // Small scopes are scored exactly: Mnemo's vector leg never drops the caller's results, nor does the
        // client's exact scan there.
        for (String scope : new String[] {"1%", "small"}) {
            assertThat(raw.path("vector_recall_at_10").path(scope).path("mnemo").asDouble())
                    .isEqualTo(1.0);
            assertThat(raw.path("vector_recall_at_10")
                            .path(scope)
                            .path("client")
                            .asDouble())
                    .isEqualTo(1.0);
        }
        assertThat(raw.path("index_overfetch")).hasSize(SearchSuite.OVERFETCH_K.length);
        assertThat(Files.readString(out.resolve("search-150.md")))
                .contains("| compare | 1% | mnemo |")
                .contains("| end_to_end | all | mcp |");
        assertThat(Files.readString(out.resolve("search-150.csv")).lines().count())
                .isEqualTo(39);
        // The README and the charts are regenerated from the result files.
        assertThat(Files.size(out.resolve("search-150.png"))).isGreaterThan(1000);
        assertThat(Files.readString(out.resolve("README.md")))
                .contains("## Targets")
                .contains("[search-150.md](search-150.md)")
                .contains("| not run |");
    }
}
