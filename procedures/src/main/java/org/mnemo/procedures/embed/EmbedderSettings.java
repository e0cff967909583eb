package org.mnemo.procedures.embed;

import java.time.Duration;

/** What selects and configures an embedder; equal settings share one embedder per process. */
public record EmbedderSettings(
        String provider,
        String model,
        String baseUrl,
        String apiKey,
        int dimension,
        int batchSize,
        Duration timeout,
        int maxRetries) {

    @Override
    public String toString() {
        // never print the key
        return "EmbedderSettings[provider=" + provider + ", model=" + model + ", baseUrl=" + baseUrl + "]";
    }
}
