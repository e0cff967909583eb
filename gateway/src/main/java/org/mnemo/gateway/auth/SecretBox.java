package org.mnemo.gateway.auth;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets the gateway keeps in the graph (team-JWT signing keys) with AES-256-GCM under a key from the
 * environment (MNEMO_SECRET_KEY), so that a reader of the database — a Cypher user, a backup — does not see them.
 * Sealed form: base64 of a random 12-byte nonce followed by the ciphertext and its tag.
 */
public final class SecretBox {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** Bound into every seal: a sealed value cannot be moved to another use of the same key. */
    private static final byte[] CONTEXT = "mnemo signing key v1".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final SecretKeySpec key;

    public SecretBox(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("MNEMO_SECRET_KEY must be 32 bytes (base64 of 32 random bytes)");
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    public String seal(byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(CONTEXT);
            byte[] sealed = cipher.doFinal(plaintext);
            return Base64.getEncoder()
                    .encodeToString(ByteBuffer.allocate(NONCE_BYTES + sealed.length)
                            .put(nonce)
                            .put(sealed)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a secret", e);
        }
    }

    /** The plaintext; an error when the value was sealed under another key or altered. */
    public byte[] open(String sealed) {
        byte[] bytes = Base64.getDecoder().decode(sealed);
        if (bytes.length <= NONCE_BYTES) {
            throw new IllegalStateException("a sealed secret is too short");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(CONTEXT);
            return cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "a stored signing key cannot be opened with MNEMO_SECRET_KEY (another "
                            + "key, or the value was altered)",
                    e);
        }
    }
}
