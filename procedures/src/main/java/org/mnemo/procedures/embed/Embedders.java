package org.mnemo.procedures.embed;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import org.mnemo.procedures.openai.OpenAiEmbedder;
import org.mnemo.procedures.plugins.PluginLoader;

/**
 * One embedder per distinct configuration for the life of the JVM: the local model is large and its tokenizer's
 * native library cannot be loaded twice.
 */
public final class Embedders {
    public static final String LOCAL = "local";
    public static final String OPENAI = "openai";

    private static final Map<EmbedderSettings, Embedder> EMBEDDERS = new ConcurrentHashMap<>();

    private Embedders() {}

    public static Embedder get(EmbedderSettings settings) {
        return EMBEDDERS.computeIfAbsent(settings, Embedders::create);
    }

    /** The embedder, counted and timed for {@code mnemo.metrics()} whichever provider made it. */
    private static Embedder create(EmbedderSettings settings) {
        return MeteredEmbedder.of(settings.provider(), found(settings));
    }

    private static Embedder found(EmbedderSettings settings) {
        if (OPENAI.equals(settings.provider())) {
            return new OpenAiEmbedder(settings);
        }
        ClassLoader pluginLoader = Embedders.class.getClassLoader();
        for (EmbedderProvider provider : ServiceLoader.load(EmbedderProvider.class, pluginLoader)) {
            if (provider.name().equals(settings.provider())) {
                return PluginLoader.withLoaderOf(provider, () -> provider.create(settings));
            }
        }
        if (LOCAL.equals(settings.provider())) {
            throw new IllegalStateException("embedder_unavailable: mnemo.embedding.provider is 'local' but the "
                    + "local embedder jar (mnemo-embedder-minilm-*.jar) is not in the plugins directory; deploy it "
                    + "or set mnemo.embedding.provider=openai");
        }
        throw new IllegalStateException("embedder_unavailable: unknown mnemo.embedding.provider '" + settings.provider()
                + "'; use 'local', 'bge-small' (mnemo-embedder-bge.jar) or 'openai'");
    }
}
