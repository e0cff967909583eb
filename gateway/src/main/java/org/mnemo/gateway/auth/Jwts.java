package org.mnemo.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The two JWT kinds the gateway accepts, both HS256 only (so {@code none} and any asymmetric algorithm — the
 * classic key-confusion attack — are refused before a key is even chosen):
 * <ul>
 *   <li>per-turn JWTs from Daedalus ({@code iss=daedalus}), keys configured by kid, at most 10 minutes long;
 *   <li>team JWTs ({@code iss=mnemosyne}, {@code typ=team}, {@code sub=team:<id>}), signed with Mnemo's keys.
 * </ul>
 * Time claims get 30 seconds of leeway (an {@code iat} further in the future is refused); a turn JWT's {@code aud}
 * must name the configured audience when one is configured; team JWTs carry {@code aud: mnemosyne}.
 */
public final class Jwts {
    public static final String DAEDALUS = "daedalus";
    public static final String MNEMOSYNE = "mnemosyne";
    static final Duration LEEWAY = Duration.ofSeconds(30);
    static final Duration MAX_TURN_LIFETIME = Duration.ofMinutes(10);
    static final Duration TEAM_LIFETIME = Duration.ofDays(3653);
    private static final String TEAM_SUBJECT = "team:";

    /** A verified per-turn JWT. */
    public record Turn(String subject, List<String> libs, List<String> workspaces) {}

    /** A verified team JWT. */
    public record Team(String teamId, String jti) {}

    private final Map<String, byte[]> daedalusKeys;
    private final String daedalusAudience;
    private final SigningKeys signingKeys;
    private final Clock clock;

    /** {@code daedalusAudience}: the {@code aud} a turn JWT must carry, or null to accept any. */
    public Jwts(Map<String, byte[]> daedalusKeys, String daedalusAudience, SigningKeys signingKeys, Clock clock) {
        this.daedalusKeys = daedalusKeys;
        this.daedalusAudience = daedalusAudience;
        this.signingKeys = signingKeys;
        this.clock = clock;
    }

    /** Whether a bearer value has the shape of a JWT (three dot-separated parts) rather than an opaque token. */
    public static boolean looksLikeJwt(String bearer) {
        return bearer.chars().filter(c -> c == '.').count() == 2;
    }

    /** Verifies a JWT and returns a {@link Turn} or a {@link Team}; anything else is an {@link AuthFailure}. */
    public Object verify(String token) {
        SignedJWT jwt = parse(token);
        JWTClaimsSet claims = claims(jwt);
        String issuer = claims.getIssuer();
        String kid = jwt.getHeader().getKeyID();
        byte[] key;
        if (DAEDALUS.equals(issuer)) {
            key = kid == null ? null : daedalusKeys.get(kid);
        } else if (MNEMOSYNE.equals(issuer)) {
            key = kid == null ? null : signingKeys.secret(kid);
        } else {
            throw fail("token_unknown_issuer", "tokens from issuer '" + issuer + "' are not accepted");
        }
        if (key == null) {
            throw fail("token_unknown_key", "no " + issuer + " key with kid '" + kid + "'");
        }
        try {
            if (!jwt.verify(new MACVerifier(key))) {
                throw fail("token_bad_signature", "the token's signature does not verify");
            }
        } catch (JOSEException e) {
            throw fail("token_bad_signature", "the token's signature cannot be verified: " + e.getMessage());
        }
        checkTimes(claims);
        String audience = DAEDALUS.equals(issuer) ? daedalusAudience : MNEMOSYNE;
        List<String> aud = claims.getAudience();
        if (audience != null && (DAEDALUS.equals(issuer) || !aud.isEmpty()) && !aud.contains(audience)) {
            throw fail("token_wrong_audience", "the JWT's aud " + aud + " does not name '" + audience + "'");
        }
        return DAEDALUS.equals(issuer) ? turn(claims) : team(claims);
    }

    /** Signs a team JWT with the active key, expiring no later than {@code notAfter} (the issuing token's end). */
    public String issueTeam(String teamId, String jti, Instant notAfter) {
        SigningKeys.Key key = signingKeys.active();
        Instant now = clock.instant();
        Instant expires =
                notAfter != null && notAfter.isBefore(now.plus(TEAM_LIFETIME)) ? notAfter : now.plus(TEAM_LIFETIME);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(MNEMOSYNE)
                .audience(MNEMOSYNE)
                .subject(TEAM_SUBJECT + teamId)
                .jwtID(jti)
                .claim("typ", "team")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .keyID(key.kid())
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        try {
            jwt.sign(new MACSigner(key.secret()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a team JWT", e);
        }
        return jwt.serialize();
    }

    public static String newJti() {
        return UUID.randomUUID().toString();
    }

    private static SignedJWT parse(String token) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw fail("token_malformed", "the bearer value is not a well-formed JWT");
        }
        if (jwt instanceof PlainJWT) {
            throw fail("token_algorithm_not_allowed", "unsigned JWTs (alg none) are refused");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw fail("token_malformed", "encrypted JWTs are not accepted");
        }
        if (!JWSAlgorithm.HS256.equals(signed.getHeader().getAlgorithm())) {
            throw fail(
                    "token_algorithm_not_allowed",
                    "only HS256 is accepted, not " + signed.getHeader().getAlgorithm());
        }
        return signed;
    }

    private static JWTClaimsSet claims(SignedJWT jwt) {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw fail("token_malformed", "the JWT's claims are not a valid JSON object");
        }
    }

    private void checkTimes(JWTClaimsSet claims) {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw fail("token_malformed", "the JWT has no exp claim");
        }
        if (now.isAfter(exp.toInstant().plus(LEEWAY))) {
            throw fail("token_expired", "the JWT expired at " + exp.toInstant());
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.toInstant().isAfter(now.plus(LEEWAY))) {
            throw fail(
                    "token_issued_in_future", "the JWT says it was issued at " + iat.toInstant() + ", in the future");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(LEEWAY).isBefore(nbf.toInstant())) {
            throw fail("token_not_yet_valid", "the JWT is valid only from " + nbf.toInstant());
        }
    }

    private static Turn turn(JWTClaimsSet claims) {
        Date iat = claims.getIssueTime();
        if (iat == null) {
            throw fail("token_malformed", "a per-turn JWT needs an iat claim");
        }
        Duration lifetime =
                Duration.between(iat.toInstant(), claims.getExpirationTime().toInstant());
        if (lifetime.compareTo(MAX_TURN_LIFETIME) > 0) {
            throw fail(
                    "token_lifetime_too_long",
                    "per-turn JWTs may live at most 10 minutes, this one " + lifetime.toSeconds() + " s");
        }
        List<String> workspaces = new ArrayList<>(strings(claims, "workspaces"));
        if (claims.getClaim("workspace_id") instanceof String workspace) {
            workspaces.add(workspace);
        }
        return new Turn(claims.getSubject(), strings(claims, "libs"), List.copyOf(workspaces));
    }

    private static List<String> strings(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        if (value != null && !(value instanceof List<?> list && list.stream().allMatch(String.class::isInstance))) {
            throw fail("token_malformed", "the " + name + " claim must be a list of strings");
        }
        return value == null
                ? List.of()
                : ((List<?>) value).stream().map(String.class::cast).toList();
    }

    private static Team team(JWTClaimsSet claims) {
        if (!"team".equals(claims.getClaim("typ"))) {
            throw fail("token_wrong_type", "a mnemosyne JWT must have typ=team");
        }
        String subject = claims.getSubject();
        if (subject == null || !subject.startsWith(TEAM_SUBJECT) || subject.length() == TEAM_SUBJECT.length()) {
            throw fail("token_malformed", "a team JWT's sub must be team:<id>");
        }
        if (claims.getJWTID() == null) {
            throw fail("token_malformed", "a team JWT needs a jti");
        }
        return new Team(subject.substring(TEAM_SUBJECT.length()), claims.getJWTID());
    }

    private static AuthFailure fail(String code, String detail) {
        return AuthFailure.unauthenticated(code, detail);
    }
}
