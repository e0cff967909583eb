package org.mnemo.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpRequest;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every way a credential is refused, each with its own code, and what each accepted kind may do. */
class AuthenticationTest {
    private final TestGateway gw = TestGateway.get();
    private static final String PROTECTED = "/library/api/libraries/";

    private void assertRefused(String token, String code) {
        TestGateway.Response r = gw.get(PROTECTED, token);
        assertThat(r.status()).as(code).isEqualTo(401);
        assertThat(r.code()).isEqualTo(code);
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(r.json().path("detail").asText()).isNotBlank();
    }

    @Test
    void missingOrForeignSchemeIs401WithWwwAuthenticate() {
        assertRefused(null, "missing_credentials");
        TestGateway.Response basic = gw.send(HttpRequest.newBuilder(URI.create(gw.url(PROTECTED)))
                .header("Authorization", "Basic dXNlcjpwYXNz")
                .GET()
                .build());
        assertThat(basic.status()).isEqualTo(401);
        assertThat(basic.code()).isEqualTo("unsupported_scheme");
        assertThat(basic.header("WWW-Authenticate")).startsWith("Bearer");
        TestGateway.Response empty = gw.send(HttpRequest.newBuilder(URI.create(gw.url(PROTECTED)))
                .header("Authorization", "Bearer")
                .GET()
                .build());
        assertThat(empty.code()).isEqualTo("missing_credentials");
    }

    @Test
    void opaqueTokensUnknownRevokedExpired() {
        assertRefused("mnemo_not-a-real-token", "token_unknown");
        String user = gw.user("revoker");
        TestGateway.Response created =
                gw.post("/api/tokens/", user, Map.of("name", "short-lived", "allowed_libraries", List.of("*")));
        assertThat(created.status()).isEqualTo(201);
        String token = created.json().path("token").asText();
        assertThat(gw.get(PROTECTED, token).status()).isEqualTo(200);

        assertThat(gw.delete("/api/tokens/" + created.json().path("id").asText() + "/", user)
                        .status())
                .isEqualTo(204);
        assertRefused(token, "token_revoked");

        TestGateway.Response expiring = gw.post(
                "/api/tokens/",
                user,
                Map.of(
                        "name",
                        "expiring",
                        "expires_at",
                        Instant.now().plusSeconds(3600).toString()));
        String expiringToken = expiring.json().path("token").asText();
        assertThat(gw.get(PROTECTED, expiringToken).status()).isEqualTo(200);
        // Let the clock pass its expiry: move expires_at into the past in the database.
        gw.db()
                .executeTransactionally(
                        "MATCH (t:ApiToken {id: $id}) SET t.expires_at = datetime() - duration('PT1S')",
                        Map.of("id", expiring.json().path("id").asText()));
        assertRefused(expiringToken, "token_expired");

        TestGateway.Response past =
                gw.post("/api/tokens/", user, Map.of("name", "x", "expires_at", "2001-01-01T00:00:00Z"));
        assertThat(past.status()).isEqualTo(400);
        assertThat(past.json().path("detail").asText()).contains("expires_at");
    }

    @Test
    void malformedAndUnsignedAndWrongAlgorithmJwts() {
        assertRefused("abc.def.ghi", "token_malformed");
        String none = new PlainJWT(new JWTClaimsSet.Builder()
                        .issuer("daedalus")
                        .subject("x")
                        .expirationTime(Date.from(Instant.now().plusSeconds(60)))
                        .build())
                .serialize();
        assertRefused(none, "token_algorithm_not_allowed");
        // Algorithm confusion: an RS256 token (the attacker's own key pair) must not be accepted as anything.
        String rs256;
        try {
            var pair = KeyPairGenerator.getInstance("RSA");
            pair.initialize(2048);
            rs256 = Jwt.sign(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(TestGateway.DAEDALUS_KID)
                            .build(),
                    turnClaims(Duration.ofMinutes(5)),
                    new RSASSASigner(pair.generateKeyPair().getPrivate()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        assertRefused(rs256, "token_algorithm_not_allowed");
        // HS384 with the right secret is still not HS256.
        String hs384 = Jwt.sign(
                new JWSHeader.Builder(JWSAlgorithm.HS384)
                        .keyID(TestGateway.DAEDALUS_KID)
                        .build(),
                turnClaims(Duration.ofMinutes(5)),
                macSigner(TestGateway.DAEDALUS_SECRET + "-padding-for-hs384"));
        assertRefused(hs384, "token_algorithm_not_allowed");
    }

    @Test
    void daedalusTurnJwtRejections() {
        assertRefused(
                Jwt.sign(
                        TestGateway.DAEDALUS_KID,
                        "a-completely-different-secret-of-enough-length",
                        turnClaims(Duration.ofMinutes(5))),
                "token_bad_signature");
        assertRefused(
                Jwt.sign("no-such-kid", TestGateway.DAEDALUS_SECRET, turnClaims(Duration.ofMinutes(5))),
                "token_unknown_key");
        assertRefused(Jwt.daedalus(List.of(), Duration.ofHours(1)), "token_lifetime_too_long");
        Instant past = Instant.now().minus(Duration.ofMinutes(5));
        assertRefused(
                Jwt.sign(
                        TestGateway.DAEDALUS_KID,
                        TestGateway.DAEDALUS_SECRET,
                        new JWTClaimsSet.Builder()
                                .issuer("daedalus")
                                .subject("s")
                                .issueTime(Date.from(past.minusSeconds(60)))
                                .expirationTime(Date.from(past))
                                .build()),
                "token_expired");
        assertRefused(
                Jwt.sign(
                        TestGateway.DAEDALUS_KID,
                        TestGateway.DAEDALUS_SECRET,
                        new JWTClaimsSet.Builder()
                                .issuer("evil-corp")
                                .subject("s")
                                .issueTime(new Date())
                                .expirationTime(Date.from(Instant.now().plusSeconds(60)))
                                .build()),
                "token_unknown_issuer");
        // Issued in the future beyond the leeway: a clock attack or a broken signer.
        Instant later = Instant.now().plus(Duration.ofMinutes(3));
        assertRefused(
                Jwt.sign(
                        TestGateway.DAEDALUS_KID,
                        TestGateway.DAEDALUS_SECRET,
                        new JWTClaimsSet.Builder()
                                .issuer("daedalus")
                                .subject("s")
                                .issueTime(Date.from(later))
                                .expirationTime(Date.from(later.plusSeconds(60)))
                                .build()),
                "token_issued_in_future");
        // Within the 30 s leeway an expired token still counts.
        Instant justExpired = Instant.now().minusSeconds(10);
        assertThat(gw.get(
                                PROTECTED,
                                Jwt.sign(
                                        TestGateway.DAEDALUS_KID,
                                        TestGateway.DAEDALUS_SECRET,
                                        new JWTClaimsSet.Builder()
                                                .issuer("daedalus")
                                                .subject("s")
                                                .issueTime(Date.from(justExpired.minusSeconds(60)))
                                                .expirationTime(Date.from(justExpired))
                                                .build()))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aTamperedTeamJwtFailsItsSignature() {
        String owner = gw.user("tamperer");
        String jwt = gw.post(
                        "/mcp_server/api/teams/",
                        owner,
                        Map.of("id", UUID.randomUUID().toString(), "name", "T"))
                .json()
                .path("jwt")
                .asText();
        assertThat(gw.get(PROTECTED, jwt).status()).isEqualTo(200);
        String[] parts = jwt.split("\\.");
        String claims = new Base64URL(parts[1]).decodeToString().replace("\"team:", "\"team:x");
        assertRefused(parts[0] + "." + Base64URL.encode(claims) + "." + parts[2], "token_bad_signature");
        String wrongType = Jwt.sign(
                SignedJWTHeader.kid(jwt),
                "irrelevant-secret-that-is-long-enough-000",
                new JWTClaimsSet.Builder().issuer("mnemosyne").subject("team:x").build());
        assertRefused(wrongType, "token_bad_signature");

        // Signed with Mnemo's real key, but not a team token, or for a team that does not exist.
        String kid = SignedJWTHeader.kid(jwt);
        // The graph holds the key only sealed: a Cypher reader sees no secret; the gateway's key opens it.
        assertThat((long) gw.db()
                        .executeTransactionally(
                                "MATCH (k:SigningKey) WHERE k.secret IS NOT NULL " + "RETURN count(k) AS n",
                                Map.of(),
                                r -> r.next().get("n")))
                .isZero();
        String sealed = (String) gw.db()
                .executeTransactionally(
                        "MATCH (k:SigningKey {kid: $kid}) " + "RETURN k.secret_enc AS s",
                        Map.of("kid", kid),
                        r -> r.next().get("s"));
        assertThat(sealed).isNotBlank();
        String secret = new String(
                new org.mnemo.gateway.auth.SecretBox(
                                java.util.Base64.getDecoder().decode(TestGateway.SECRET_KEY))
                        .open(sealed),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        JWTClaimsSet.Builder valid = new JWTClaimsSet.Builder()
                .issuer("mnemosyne")
                .jwtID("j")
                .expirationTime(Date.from(Instant.now().plusSeconds(600)));
        assertRefused(
                Jwt.sign(
                        new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(),
                        valid.subject("team:" + UUID.randomUUID()).build(),
                        macSigner(secret)),
                "token_wrong_type");
        assertRefused(
                Jwt.sign(
                        new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(),
                        valid.subject("team:" + UUID.randomUUID())
                                .claim("typ", "team")
                                .build(),
                        macSigner(secret)),
                "team_unknown");
    }

    @Test
    void teamJwtRotationDeactivationAndStaleJti() {
        String owner = gw.user("team-owner");
        String teamId = UUID.randomUUID().toString();
        TestGateway.Response created = gw.post("/mcp_server/api/teams/", owner, Map.of("id", teamId, "name", "Ops"));
        assertThat(created.status()).isEqualTo(201);
        String first = created.json().path("jwt").asText();
        assertThat(gw.get(PROTECTED, first).status()).isEqualTo(200);

        TestGateway.Response again = gw.post("/mcp_server/api/teams/", owner, Map.of("id", teamId, "name", "Ops"));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().has("jwt")).isFalse();

        TestGateway.Response rotated = gw.post("/mcp_server/api/teams/" + teamId + "/rotate/", owner, null);
        assertThat(rotated.status()).isEqualTo(200);
        String second = rotated.json().path("jwt").asText();
        assertRefused(first, "token_stale_jti");
        assertThat(gw.get(PROTECTED, second).status()).isEqualTo(200);

        assertThat(gw.delete("/mcp_server/api/teams/" + teamId + "/", owner).status())
                .isEqualTo(204);
        assertRefused(second, "team_inactive");
        // A deleted team stays deleted: neither POSTing its id again nor rotating revives it.
        assertThat(gw.post("/mcp_server/api/teams/" + teamId + "/rotate/", owner, null)
                        .code())
                .isEqualTo("team_deleted");
        TestGateway.Response revived = gw.post("/mcp_server/api/teams/", owner, Map.of("id", teamId, "name", "Ops"));
        assertThat(revived.status()).isEqualTo(409);
        assertThat(revived.code()).isEqualTo("team_deleted");
        assertThat(revived.json().has("jwt")).isFalse();
        assertRefused(second, "team_inactive");
        // Restoring is the admin's.
        assertThat(gw.post("/mcp_server/api/teams/" + teamId + "/restore/", owner, null)
                        .status())
                .isEqualTo(403);
        String restored = gw.post("/mcp_server/api/teams/" + teamId + "/restore/", TestGateway.ADMIN_TOKEN, null)
                .json()
                .path("jwt")
                .asText();
        assertThat(gw.get(PROTECTED, restored).status()).isEqualTo(200);
        assertRefused(second, "token_stale_jti");
    }

    @Test
    void signingKeyRotationKeepsOldJwtsUntilTheKeyIsDeleted() {
        String owner = gw.user("key-rotation-owner");
        String teamId = UUID.randomUUID().toString();
        String jwt = gw.post("/mcp_server/api/teams/", owner, Map.of("id", teamId, "name", "K"))
                .json()
                .path("jwt")
                .asText();
        String oldKid = SignedJWTHeader.kid(jwt);

        assertThat(gw.post("/api/keys/rotate/", owner, null).code()).isEqualTo("admin_required");
        TestGateway.Response rotated = gw.post("/api/keys/rotate/", TestGateway.ADMIN_TOKEN, null);
        assertThat(rotated.status()).isEqualTo(201);
        assertThat(rotated.json().path("kid").asText()).isNotEqualTo(oldKid);
        assertThat(gw.get(PROTECTED, jwt).status()).isEqualTo(200);
        String newJwt = gw.post("/mcp_server/api/teams/" + teamId + "/rotate/", owner, null)
                .json()
                .path("jwt")
                .asText();
        assertThat(SignedJWTHeader.kid(newJwt))
                .isEqualTo(rotated.json().path("kid").asText());
        assertThat(gw.delete("/api/keys/" + rotated.json().path("kid").asText() + "/", TestGateway.ADMIN_TOKEN)
                        .code())
                .isEqualTo("key_active");
        assertThat(gw.delete("/api/keys/" + oldKid + "/", TestGateway.ADMIN_TOKEN)
                        .status())
                .isEqualTo(204);
        assertThat(gw.get("/api/keys/", TestGateway.ADMIN_TOKEN)
                        .json()
                        .path("results")
                        .findValuesAsText("kid"))
                .doesNotContain(oldKid)
                .contains(rotated.json().path("kid").asText());
        assertThat(gw.get(PROTECTED, newJwt).status()).isEqualTo(200);
    }

    @Test
    void refusalsAreCountedByReasonInMetrics() {
        assertRefused("mnemo_counted-unknown-token", "token_unknown");
        String metrics = gw.get("/metrics", null).raw().body();
        assertThat(metrics).contains("mnemo_auth_failures_total{reason=\"token_unknown\"}");
        assertThat(metrics).doesNotContain("mnemo_counted-unknown-token");
    }

    private static JWTClaimsSet turnClaims(Duration lifetime) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer("daedalus")
                .subject("s")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .claim("libs", List.of())
                .build();
    }

    private static com.nimbusds.jose.JWSSigner macSigner(String secret) {
        try {
            return new com.nimbusds.jose.crypto.MACSigner(
                    secret.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        } catch (com.nimbusds.jose.KeyLengthException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Reads a JWT's kid without verifying it. */
    static final class SignedJWTHeader {
        static String kid(String jwt) {
            try {
                return SignedJWT.parse(jwt).getHeader().getKeyID();
            } catch (java.text.ParseException e) {
                throw new IllegalArgumentException(e);
            }
        }
    }
}
