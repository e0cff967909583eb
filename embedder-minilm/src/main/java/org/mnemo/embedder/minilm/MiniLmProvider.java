package org.mnemo.embedder.minilm;

import org.mnemo.procedures.embed.Embedder;
import org.mnemo.procedures.embed.EmbedderProvider;
import org.mnemo.procedures.embed.EmbedderSettings;

/** Registers the local embedder as provider {@code local}. */
public final class MiniLmProvider implements EmbedderProvider {
    @Override
    public String name() {
        return "local";
    }

    @Override
    public Embedder create(EmbedderSettings settings) {
        return new MiniLmEmbedder(settings.batchSize());
    }
}
