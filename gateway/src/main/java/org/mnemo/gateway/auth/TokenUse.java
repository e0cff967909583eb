package org.mnemo.gateway.auth;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records when tokens were last used, in batches in the background: authentication stays a read (any cluster
 * member can serve it), and a busy token costs one write a period, not one per request.
 */
public final class TokenUse implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TokenUse.class);
    public static final Duration PERIOD = Duration.ofSeconds(30);

    private final AuthStore store;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService writer;

    public TokenUse(AuthStore store) {
        this.store = store;
        this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mnemo-token-use");
            t.setDaemon(true);
            return t;
        });
        writer.scheduleWithFixedDelay(this::flush, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void used(String tokenId) {
        if (tokenId != null) {
            pending.add(tokenId);
        }
    }

    /** Writes what is pending; a failure keeps nothing (last use is advisory) and is logged. */
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<String> ids = List.copyOf(pending);
        pending.removeAll(ids);
        try {
            store.markUsed(ids);
        } catch (RuntimeException e) {
            LOG.warn("recording the last use of {} token(s) failed: {}", ids.size(), e.getMessage());
        }
    }

    @Override
    public void close() {
        writer.shutdownNow();
        flush();
    }
}
