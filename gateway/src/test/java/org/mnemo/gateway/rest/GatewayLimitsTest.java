package org.mnemo.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.mnemo.gateway.Gateway;

/**
 * A second gateway on the same database with tight settings: per-credential rate limits (429 with Retry-After),
 * an address limit for failed credentials, and a configured audience for Daedalus' turn JWTs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayLimitsTest {
    private static final String AUDIENCE = "mnemo-limits-test";
    private final TestGateway gw = TestGateway.get();
    private final HttpClient http = HttpClient.newHttpClient();
    private Gateway strict;

    @BeforeAll
    void start() {
        strict = Gateway.start(TestGateway.config(
                gw.neo4j.boltUri(),
                Map.of(
                        "MNEMO_RATE_LIMIT_PER_SECOND",
                        "1",
                        "MNEMO_RATE_LIMIT_BURST",
                        "5",
                        "MNEMO_DAEDALUS_JWT_AUDIENCE",
                        AUDIENCE,
                        "MNEMO_INGEST_WORKERS",
                        "0")));
    }

    @AfterAll
    void stop() {
        strict.close();
    }

    private HttpResponse<String> get(String path, String token) {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + strict.port() + path))
                            .header("Authorization", "Bearer " + token)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void eachCredentialHasItsOwnBucket() {
        String greedy = gw.user("limits-greedy");
        String calm = gw.user("limits-calm");
        int ok = 0;
        HttpResponse<String> refused = null;
        for (int i = 0; i < 12 && refused == null; i++) {
            HttpResponse<String> r = get("/library/api/libraries/", greedy);
            if (r.statusCode() == 429) {
                refused = r;
            } else {
                assertThat(r.statusCode()).isEqualTo(200);
                ok++;
            }
        }
        assertThat(ok).isBetween(5, 7);
        assertThat(refused).isNotNull();
        assertThat(refused.headers().firstValue("Retry-After"))
                .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
        assertThat(refused.body()).contains("\"code\":\"rate_limited\"");
        assertThat(get("/library/api/libraries/", calm).statusCode()).isEqualTo(200);
    }

    @Test
    void mintingMoreTokensDoesNotMultiplyTheBudget() {
        String owner = gw.user("limits-minter");
        List<String> tokens = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tokens.add(gw.post("/api/tokens/", owner, Map.of("name", "t" + i))
                    .json()
                    .path("token")
                    .asText());
        }
        int ok = 0;
        for (int i = 0; i < 16; i++) {
            if (get("/library/api/libraries/", tokens.get(i % tokens.size())).statusCode() == 200) {
                ok++;
            }
        }
        assertThat(ok).as("one bucket for the owner, however many tokens").isBetween(5, 8);
    }

    @Test
    @Order(Integer.MAX_VALUE) // it empties this address's bucket for failed credentials
    void guessingCredentialsRunsOutTheAddressesBudget() {
        int last = 0;
        for (int i = 0; i < 12; i++) {
            last = get("/library/api/libraries/", "mnemo_guess-" + i).statusCode();
        }
        assertThat(last).isEqualTo(429);
    }

    @Test
    void turnJwtsMustNameTheConfiguredAudience() {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer("daedalus")
                .subject("aud-test")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(120)))
                .claim("libs", List.of());
        String none = Jwt.sign(TestGateway.DAEDALUS_KID, TestGateway.DAEDALUS_SECRET, claims.build());
        String wrong = Jwt.sign(
                TestGateway.DAEDALUS_KID,
                TestGateway.DAEDALUS_SECRET,
                claims.audience("someone-else").build());
        String right = Jwt.sign(
                TestGateway.DAEDALUS_KID,
                TestGateway.DAEDALUS_SECRET,
                claims.subject("aud-test-2").audience(List.of("x", AUDIENCE)).build());
        for (String jwt : List.of(none, wrong)) {
            HttpResponse<String> r = get("/library/api/libraries/", jwt);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("token_wrong_audience");
        }
        assertThat(get("/library/api/libraries/", right).statusCode()).isEqualTo(200);
    }
}
