package org.mnemo.gateway.rest;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/** Mints JWTs the way Daedalus (or an attacker) would, with real signatures. */
public final class Jwt {
    private Jwt() {}

    public static String daedalus(List<String> libs, Duration lifetime) {
        return daedalus(libs, List.of(), lifetime);
    }

    /** A turn JWT naming libraries (uids or workspace ids) and the workspaces it may act as for memory. */
    public static String daedalus(List<String> libs, List<String> workspaces, Duration lifetime) {
        Instant now = Instant.now();
        return sign(
                TestGateway.DAEDALUS_KID,
                TestGateway.DAEDALUS_SECRET,
                new JWTClaimsSet.Builder()
                        .issuer("daedalus")
                        .subject("agent-turn")
                        .jwtID(UUID.randomUUID().toString())
                        .issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plus(lifetime)))
                        .claim("libs", libs)
                        .claim("workspaces", workspaces)
                        .build());
    }

    static String sign(String kid, String secret, JWTClaimsSet claims) {
        try {
            return sign(
                    new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(),
                    claims,
                    new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (com.nimbusds.jose.KeyLengthException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
