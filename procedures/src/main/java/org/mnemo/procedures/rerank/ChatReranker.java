package org.mnemo.procedures.rerank;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.mnemo.procedures.config.MnemoConfig.RerankSettings;
import org.mnemo.procedures.openai.OpenAiClient;

/**
 * Listwise reranking by an OpenAI-compatible chat model: the passages are numbered, the model answers a JSON
 * object of scores 0–10 by number. The library type's reranker instruction goes into the system message.
 */
final class ChatReranker implements Reranker {
    private static final int PASSAGE_CHARS = 1_500;
    private final OpenAiClient client;
    private final String model;

    ChatReranker(RerankSettings settings) {
        this(
                settings,
                new OpenAiClient(settings.baseUrl(), settings.apiKey(), settings.timeout(), settings.maxRetries()));
    }

    ChatReranker(RerankSettings settings, OpenAiClient client) {
        if (settings.model().isBlank()) {
            throw new IllegalArgumentException(
                    "mnemo.rerank.model must name the chat model when " + "mnemo.rerank.provider is 'chat'");
        }
        this.client = client;
        this.model = settings.model();
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public List<Double> scores(String query, List<String> documents, String instruction) {
        StringBuilder passages = new StringBuilder();
        for (int i = 0; i < documents.size(); i++) {
            String text = documents.get(i);
            passages.append('[')
                    .append(i)
                    .append("] ")
                    .append(text.length() > PASSAGE_CHARS ? text.substring(0, PASSAGE_CHARS) : text)
                    .append("\n\n");
        }
        String system = "You rank passages by how well they answer a query. Answer only with a JSON object mapping "
                + "each passage number to a relevance score from 0 (unrelated) to 10 (answers it fully), e.g. "
                + "{\"0\": 7, \"1\": 0}." + (instruction == null || instruction.isBlank() ? "" : " " + instruction);
        JsonNode answer = client.post(
                "chat/completions",
                Map.of(
                        "model",
                        model,
                        "temperature",
                        0,
                        "response_format",
                        Map.of("type", "json_object"),
                        "messages",
                        List.of(
                                Map.of("role", "system", "content", system),
                                Map.of(
                                        "role",
                                        "user",
                                        "content",
                                        "Query: " + query + "\n\nPassages:\n\n" + passages))));
        String content =
                answer.path("choices").path(0).path("message").path("content").asText("");
        JsonNode scores;
        try {
            scores = OpenAiClient.json().readTree(content);
        } catch (java.io.IOException e) {
            throw new OpenAiClient.ProviderException("the chat reranker did not answer JSON: " + e.getMessage());
        }
        List<Double> out = new ArrayList<>(Collections.nCopies(documents.size(), 0.0));
        for (int i = 0; i < documents.size(); i++) {
            JsonNode score = scores.get(String.valueOf(i));
            if (score != null && score.isNumber()) {
                out.set(i, score.asDouble());
            }
        }
        return out;
    }
}
