package org.mnemo.procedures.rerank;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.procedures.config.MnemoConfig.RerankSettings;
import org.mnemo.procedures.openai.OpenAiClient;

/**
 * A {@code {base_url}/rerank} API. The request carries the documents both as {@code documents} (Cohere, Jina,
 * Voyage) and as {@code texts} (Hugging Face TEI); the answer is read in either shape: {@code {results: [{index,
 * relevance_score}]}} or {@code [{index, score}]}. Retries, timeouts and the circuit breaker are the embedder's.
 */
final class HttpReranker implements Reranker {
    private final OpenAiClient client;
    private final String model;

    HttpReranker(RerankSettings settings) {
        this(
                settings,
                OpenAiClient.anyBase(settings.baseUrl(), settings.apiKey(), settings.timeout(), settings.maxRetries()));
    }

    HttpReranker(RerankSettings settings, OpenAiClient client) {
        this.client = client;
        this.model = settings.model();
    }

    @Override
    public String model() {
        return model.isBlank() ? client.baseUrl() + "/rerank" : model;
    }

    @Override
    public List<Double> scores(String query, List<String> documents, String instruction) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (!model.isBlank()) {
            body.put("model", model);
        }
        body.put("query", query);
        body.put("documents", documents);
        body.put("texts", documents);
        body.put("top_n", documents.size());
        JsonNode answer = client.post("rerank", body);
        JsonNode results = answer.isArray() ? answer : answer.path("results");
        if (!results.isArray()) {
            throw new OpenAiClient.ProviderException("rerank answer has no results array");
        }
        List<Double> scores = new ArrayList<>(Collections.nCopies(documents.size(), Double.NEGATIVE_INFINITY));
        for (JsonNode r : results) {
            int index = r.path("index").asInt(-1);
            JsonNode score = r.has("relevance_score") ? r.get("relevance_score") : r.get("score");
            if (index < 0 || index >= documents.size() || score == null || !score.isNumber()) {
                throw new OpenAiClient.ProviderException(
                        "rerank answer has an entry without a valid index and " + "score: " + r);
            }
            scores.set(index, score.asDouble());
        }
        return scores;
    }
}
