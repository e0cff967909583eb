package org.mnemo.gateway.ingest;

/**
 * Why a job attempt failed. Permanent failures (an encrypted or empty document, an unsupported format, a file
 * over the limits, a library that no longer exists) fail the job at once; others are retried with backoff.
 */
public final class IngestFailure extends RuntimeException {
    private final boolean permanent;
    private final long retryAfterMillis;

    private IngestFailure(String message, boolean permanent, Throwable cause, long retryAfterMillis) {
        super(message, cause);
        this.permanent = permanent;
        this.retryAfterMillis = retryAfterMillis;
    }

    private IngestFailure(String message, boolean permanent, Throwable cause) {
        this(message, permanent, cause, -1);
    }

    /** Worth trying again after this short while (not the usual backoff): the same file is being ingested now. */
    public static IngestFailure busy(String message, long retryAfterMillis) {
        return new IngestFailure(message, false, null, retryAfterMillis);
    }

    /** The delay before the next attempt, or -1 for the usual exponential backoff. */
    public long retryAfterMillis() {
        return retryAfterMillis;
    }

    public static IngestFailure permanent(String message) {
        return new IngestFailure(message, true, null);
    }

    public static IngestFailure permanent(String message, Throwable cause) {
        return new IngestFailure(message, true, cause);
    }

    public static IngestFailure transientFailure(String message, Throwable cause) {
        return new IngestFailure(message, false, cause);
    }

    public boolean permanent() {
        return permanent;
    }
}
