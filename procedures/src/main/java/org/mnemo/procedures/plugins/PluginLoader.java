package org.mnemo.procedures.plugins;

import java.util.function.Supplier;

/** Runs code of another plugin jar (an embedder, a reranker) with that jar's class loader as the context loader. */
public final class PluginLoader {
    private PluginLoader() {}

    /**
     * Libraries inside a provider's jar look up resources and native code through the context class loader, which
     * inside Neo4j is not the plugin's.
     */
    public static <T> T withLoaderOf(Object provider, Supplier<T> create) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(provider.getClass().getClassLoader());
        try {
            return create.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
