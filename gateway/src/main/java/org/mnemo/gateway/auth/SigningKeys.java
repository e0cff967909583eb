package org.mnemo.gateway.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mnemo.gateway.config.GatewayConfig;

/**
 * Mnemo's own HS256 keys for team JWTs, stored in the graph so every gateway shares them. A key's secret never
 * changes, so gateways cache secrets by kid — briefly, so that a deleted key stops verifying everywhere soon.
 */
public final class SigningKeys {
    static final Duration CACHE_TTL = Duration.ofSeconds(30);

    private record Cached(byte[] secret, Instant loaded) {}

    /** The key that signs new team JWTs. */
    public record Key(String kid, byte[] secret) {}

    private final AuthStore store;
    private final SecretBox box;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public SigningKeys(AuthStore store, SecretBox box, Clock clock) {
        this.store = store;
        this.box = box;
        this.clock = clock;
    }

    /** Seals keys that earlier versions stored in plaintext; returns how many. */
    public int sealPlaintextKeys() {
        Map<String, String> plain = store.plaintextKeys();
        plain.forEach((kid, secret) ->
                store.encryptKey(kid, box.seal(Base64.getDecoder().decode(secret))));
        return plain.size();
    }

    /** The active key, created on first use (a 256-bit random secret). */
    public Key active() {
        Map<String, Object> row = store.activeKey();
        if (row == null) {
            rotate();
            row = store.activeKey();
        }
        return new Key((String) row.get("kid"), box.open((String) row.get("secret")));
    }

    /** Adds a new active key and returns its kid; JWTs signed with earlier keys stay valid until those are deleted. */
    public String rotate() {
        String kid = "mnemo-" + Tokens.randomBase64Url(9);
        byte[] secret = Base64.getUrlDecoder().decode(Tokens.randomBase64Url(GatewayConfig.MIN_KEY_BYTES));
        store.addKey(kid, box.seal(secret));
        return kid;
    }

    public List<Map<String, Object>> list() {
        return store.listKeys();
    }

    public boolean delete(String kid) {
        cache.remove(kid);
        return store.deleteKey(kid);
    }

    /** The secret of a kid, or null when no such key exists. */
    public byte[] secret(String kid) {
        Instant now = clock.instant();
        Cached cached = cache.get(kid);
        if (cached != null && cached.loaded().plus(CACHE_TTL).isAfter(now)) {
            return cached.secret();
        }
        String secret = store.keySecret(kid);
        if (secret == null) {
            cache.remove(kid);
            return null;
        }
        byte[] bytes = box.open(secret);
        cache.put(kid, new Cached(bytes, now));
        return bytes;
    }
}
