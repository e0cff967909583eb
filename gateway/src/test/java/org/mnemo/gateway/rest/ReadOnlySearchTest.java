package org.mnemo.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.Gateway;

/**
 * A search request writes nothing: authentication, scope resolution and the search itself are read transactions
 * (a token's last use is recorded in the background, batched), so on a cluster searches go to any member. Counted
 * on a gateway of its own (no ingest workers) by the statements it sends in write or auto-commit mode — the only
 * ones that can write.
 */
class ReadOnlySearchTest {
    private final TestGateway gw = TestGateway.get();

    @Test
    void searchesSendNoWriteStatement() {
        String user = "readonly-" + UUID.randomUUID().toString().substring(0, 8);
        String token = gw.user(user);
        String library = gw.post("/library/api/libraries/", token, Map.of("name", user, "library_type", "technical"))
                .json()
                .path("uid")
                .asText();
        gw.post(
                "/library/api/items/",
                token,
                Map.of(
                        "library_uid",
                        library,
                        "title",
                        "Tides",
                        "text",
                        "Spring tides follow the new and the full moon."));
        String turn = Jwt.daedalus(List.of(library), java.time.Duration.ofMinutes(5));
        try (Gateway own = Gateway.start(TestGateway.config(gw.neo4j.boltUri(), Map.of("MNEMO_INGEST_WORKERS", "0")))) {
            ApiClient api = new ApiClient("http://127.0.0.1:" + own.port(), TestGateway.ADMIN_TOKEN);
            // The first request of a credential may queue its last-use record; count from after it.
            assertThat(api.post("/library/api/search/", token, Map.of("query", "spring tides"))
                            .status())
                    .isEqualTo(200);
            long before = own.client().writeStatements();
            for (int i = 0; i < 40; i++) {
                TestGateway.Response search =
                        api.post("/library/api/search/", token, Map.of("query", "spring tides " + i));
                assertThat(search.status()).isEqualTo(200);
                assertThat(search.json().path("candidates")).isNotEmpty();
                assertThat(api.get(
                                        "/library/api/chunks/"
                                                + search.json()
                                                        .path("candidates")
                                                        .get(0)
                                                        .path("chunk_uid")
                                                        .asText() + "/",
                                        token)
                                .status())
                        .isEqualTo(200);
                // A turn JWT (of the Daedalus service, which does not reach this user's library) is resolved too.
                assertThat(api.post("/library/api/search/", turn, Map.of("query", "spring tides"))
                                .status())
                        .isEqualTo(200);
            }
            // At most the one batched last-use write, whatever the number of requests.
            assertThat(own.client().writeStatements() - before).isLessThanOrEqualTo(1);
        }
    }
}
