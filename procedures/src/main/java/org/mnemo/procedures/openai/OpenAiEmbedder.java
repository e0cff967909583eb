package org.mnemo.procedures.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mnemo.procedures.embed.Embedder;
import org.mnemo.procedures.embed.EmbedderSettings;

/** Embeds through an OpenAI-compatible {@code {base_url}/embeddings} endpoint. */
public final class OpenAiEmbedder implements Embedder {
    private final OpenAiClient client;
    private final String model;
    private final int batchSize;
    private volatile int dimension;

    public OpenAiEmbedder(EmbedderSettings settings) {
        this(
                settings,
                new OpenAiClient(settings.baseUrl(), settings.apiKey(), settings.timeout(), settings.maxRetries()));
    }

    OpenAiEmbedder(EmbedderSettings settings, OpenAiClient client) {
        if (settings.model() == null || settings.model().isBlank()) {
            throw new IllegalArgumentException(
                    "mnemo.embedding.model must name the remote model when " + "mnemo.embedding.provider is 'openai'");
        }
        this.client = client;
        this.model = settings.model();
        this.batchSize = settings.batchSize();
        this.dimension = settings.dimension();
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public boolean failingFast() {
        return client.failingFast();
    }

    @Override
    public long breakerOpenings() {
        return client.breakerOpenings();
    }

    @Override
    public int dimension() {
        if (dimension <= 0) {
            dimension = embed(List.of("dimension probe")).get(0).length;
        }
        return dimension;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int start = 0; start < texts.size(); start += batchSize) {
            List<String> batch = texts.subList(start, Math.min(texts.size(), start + batchSize));
            JsonNode answer = client.post("embeddings", Map.of("model", model, "input", batch));
            vectors.addAll(parse(answer, batch.size()));
        }
        return vectors;
    }

    private List<float[]> parse(JsonNode answer, int expected) {
        JsonNode data = answer.path("data");
        if (!data.isArray() || data.size() != expected) {
            throw new OpenAiClient.ProviderException(
                    "embeddings answer has " + data.size() + " vectors for " + expected + " texts");
        }
        float[][] ordered = new float[expected][];
        for (JsonNode item : data) {
            int index = item.path("index").asInt(-1);
            JsonNode values = item.path("embedding");
            if (index < 0 || index >= expected || !values.isArray()) {
                throw new OpenAiClient.ProviderException("embeddings answer has a malformed item");
            }
            float[] vector = new float[values.size()];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = (float) values.get(i).asDouble();
            }
            if (dimension > 0 && vector.length != dimension) {
                throw new OpenAiClient.ProviderException("model " + model + " returned dimension " + vector.length
                        + " but mnemo.embedding.dimension is " + dimension);
            }
            ordered[index] = vector;
        }
        return List.of(ordered);
    }
}
