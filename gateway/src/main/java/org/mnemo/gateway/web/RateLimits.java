package org.mnemo.gateway.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per credential (and per client address for requests that fail authentication): each holds
 * {@code burst} requests and refills at {@code perSecond}. Per gateway process — behind a load balancer with N
 * gateways a credential gets up to N times the rate (docs/security.md). Hand-written because it is this small; the
 * libraries of the field (Bucket4j) would add a dependency for the same twenty lines.
 */
public final class RateLimits {
    private static final int MAX_BUCKETS = 100_000;
    private static final long IDLE_NANOS = 10L * 60 * 1_000_000_000L;

    private final double perSecond;
    private final double burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }
    }

    public RateLimits(int perSecond, int burst) {
        this.perSecond = perSecond;
        this.burst = burst;
    }

    /** Takes one request from the key's bucket: 0 when allowed, else the seconds until one is (for Retry-After). */
    public long take(String key) {
        long now = System.nanoTime();
        if (buckets.size() > MAX_BUCKETS) {
            buckets.values().removeIf(b -> now - b.updated > IDLE_NANOS);
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        synchronized (bucket) {
            bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updated) / 1e9 * perSecond);
            bucket.updated = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / perSecond));
        }
    }

    /** 429 {@code rate_limited} with Retry-After, when the key's bucket is empty. */
    public void check(String key) {
        long retryAfter = take(key);
        if (retryAfter > 0) {
            throw new Limited(retryAfter);
        }
    }

    /** A refused request: answered 429 with Retry-After. */
    public static final class Limited extends RuntimeException {
        private final long retryAfterSeconds;

        Limited(long retryAfterSeconds) {
            super("too many requests for this credential; retry after " + retryAfterSeconds + " s");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
