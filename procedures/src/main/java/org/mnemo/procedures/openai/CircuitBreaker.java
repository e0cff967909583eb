package org.mnemo.procedures.openai;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Opens after a run of consecutive failures and then refuses calls for a while, so that a dead provider costs
 * callers an immediate error instead of a timeout each. One trial call is let through when the pause is over.
 */
public final class CircuitBreaker {
    private final int threshold;
    private final Duration openFor;
    private final Clock clock;
    private int consecutiveFailures;
    private Instant openUntil = Instant.MIN;
    private long openings;

    public CircuitBreaker(int threshold, Duration openFor, Clock clock) {
        this.threshold = threshold;
        this.openFor = openFor;
        this.clock = clock;
    }

    /** The instant until which calls are refused, or null when calls may go through. */
    public synchronized Instant refusedUntil() {
        return clock.instant().isBefore(openUntil) ? openUntil : null;
    }

    /** How many times it has opened (for mnemo.metrics). */
    public synchronized long openings() {
        return openings;
    }

    public synchronized void recordSuccess() {
        consecutiveFailures = 0;
        openUntil = Instant.MIN;
    }

    public synchronized void recordFailure() {
        consecutiveFailures++;
        if (consecutiveFailures >= threshold) {
            openUntil = clock.instant().plus(openFor);
            consecutiveFailures = 0;
            openings++;
        }
    }
}
