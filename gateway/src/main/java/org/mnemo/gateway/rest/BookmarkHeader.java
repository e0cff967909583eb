package org.mnemo.gateway.rest;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.mnemo.gateway.web.ApiError;

/**
 * {@code X-Mnemo-Bookmark}: the bookmarks of a caller's writes, signed with a key derived from
 * {@code MNEMO_SECRET_KEY} (the same on every gateway of one database). A read waits until the database has
 * reached the bookmark, so an unsigned value would let anyone pin a gateway thread with a bookmark from the far
 * future; a value no gateway signed is refused (400 {@code invalid_bookmark}).
 */
final class BookmarkHeader {
    private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();
    private final SecretKeySpec key;

    BookmarkHeader(byte[] secretKey) {
        this.key = new SecretKeySpec(
                mac(new SecretKeySpec(secretKey, "HmacSHA256"), "mnemo-bookmark".getBytes(StandardCharsets.UTF_8)),
                "HmacSHA256");
    }

    /** The header value for these bookmarks (comma-separated Neo4j bookmark values); empty for none. */
    String sign(String bookmarks) {
        if (bookmarks == null || bookmarks.isEmpty()) {
            return "";
        }
        byte[] payload = bookmarks.getBytes(StandardCharsets.UTF_8);
        return ENCODE.encodeToString(payload) + "." + ENCODE.encodeToString(mac(key, payload));
    }

    /** The bookmarks a header stands for; null for an absent or empty header. */
    String open(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        int dot = header.indexOf('.');
        try {
            if (dot > 0 && header.length() <= 8192) {
                byte[] payload = DECODE.decode(header.substring(0, dot));
                if (MessageDigest.isEqual(mac(key, payload), DECODE.decode(header.substring(dot + 1)))) {
                    return new String(payload, StandardCharsets.UTF_8);
                }
            }
        } catch (IllegalArgumentException malformed) {
            // not base64: refused below like any other value no gateway signed
        }
        throw ApiError.badRequest(
                "invalid_bookmark",
                "X-Mnemo-Bookmark must be the value of an X-Mnemo-Bookmark "
                        + "response header of a gateway of this database");
    }

    private static byte[] mac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
