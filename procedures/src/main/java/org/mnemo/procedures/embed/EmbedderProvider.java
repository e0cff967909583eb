package org.mnemo.procedures.embed;

/**
 * A provider found through {@link java.util.ServiceLoader}: the local ONNX embedder ships in its own jar and
 * registers itself here, so a DBA who uses a remote provider deploys only the small core jar.
 */
public interface EmbedderProvider {

    /** The value of {@code mnemo.embedding.provider} that selects this provider. */
    String name();

    Embedder create(EmbedderSettings settings);
}
