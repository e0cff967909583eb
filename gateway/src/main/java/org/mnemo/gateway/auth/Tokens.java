package org.mnemo.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Opaque bearer tokens: 256 random bits, shown once; only their SHA-256 is stored. */
public final class Tokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "mnemo_";
    /** Random characters a listing shows after the prefix: enough to tell tokens apart, nothing to guess from. */
    private static final int SHOWN = 4;

    private Tokens() {}

    public static String generate() {
        return PREFIX + randomBase64Url(32);
    }

    public static String randomBase64Url(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    public static String sha256Hex(String value) {
        return sha256Hex(value.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256Hex(byte[] value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /**
     * What listings show of a token: enough to recognise a generated one, far too little to use it; of a token
     * someone chose (the bootstrap token from MNEMO_ADMIN_TOKEN) only two characters, which give nothing away.
     */
    public static String mask(String token) {
        int shown = token.startsWith(PREFIX) ? PREFIX.length() + SHOWN : 2;
        return token.substring(0, Math.min(shown, token.length() / 4)) + "…";
    }
}
