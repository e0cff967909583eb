package org.mnemo.embedder.bge;

import org.mnemo.procedures.embed.Embedder;
import org.mnemo.procedures.embed.EmbedderProvider;
import org.mnemo.procedures.embed.EmbedderSettings;

/** Registers bge-small-en-v1.5 as provider {@code bge-small}. */
public final class BgeSmallProvider implements EmbedderProvider {
    @Override
    public String name() {
        return "bge-small";
    }

    @Override
    public Embedder create(EmbedderSettings settings) {
        return new BgeSmallEmbedder(settings.batchSize());
    }
}
