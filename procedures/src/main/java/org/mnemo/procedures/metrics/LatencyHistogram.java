package org.mnemo.procedures.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** Durations counted in fixed buckets (seconds), without locks: recording costs a search or an embedding nothing. */
final class LatencyHistogram {
    /** Prometheus' default buckets, then 30 s and 60 s: a remote provider near its timeout is still told apart. */
    static final List<Double> BOUNDS =
            List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0);

    /** A reading: {@code cumulative.get(i)} observations took at most {@code BOUNDS.get(i)} seconds. */
    record Reading(long count, double sum, List<Long> cumulative) {}

    private final LongAdder[] buckets = new LongAdder[BOUNDS.size() + 1];
    private final DoubleAdder sum = new DoubleAdder();

    LatencyHistogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void observe(long nanos) {
        double seconds = Math.max(0, nanos) / 1e9;
        int i = 0;
        while (i < BOUNDS.size() && seconds > BOUNDS.get(i)) {
            i++;
        }
        buckets[i].increment();
        sum.add(seconds);
    }

    /** The count is the sum of the buckets read, so the buckets never exceed it even while others record. */
    Reading read() {
        List<Long> cumulative = new ArrayList<>(BOUNDS.size());
        long running = 0;
        for (int i = 0; i < BOUNDS.size(); i++) {
            running += buckets[i].sum();
            cumulative.add(running);
        }
        return new Reading(running + buckets[BOUNDS.size()].sum(), sum.sum(), cumulative);
    }
}
