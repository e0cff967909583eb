package org.mnemo.procedures.concept;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mnemo.procedures.config.MnemoConfig.LlmSettings;
import org.mnemo.procedures.openai.OpenAiClient;
import org.neo4j.logging.Log;

/**
 * Chooses the concepts of a document: by an LLM through an OpenAI-compatible chat endpoint when one is configured,
 * otherwise (and whenever the LLM gives nothing usable) by YAKE keyphrase extraction. Only the first 100 KB are
 * read: concepts characterise a document, they do not index it.
 */
public final class Concepts {
    public static final int MAX_INPUT_CHARS = 100 * 1024;
    private static final int LLM_INPUT_CHARS = 24_000;
    private static final int MAX_NAME_LENGTH = 80;

    private final LlmSettings llm;
    private final OpenAiClient client;
    private final Log log;

    public Concepts(LlmSettings llm, Log log) {
        this.llm = llm;
        this.client = llm.enabled() ? new OpenAiClient(llm.baseUrl(), llm.apiKey(), llm.timeout(), 1) : null;
        this.log = log;
    }

    /** Concept names, distinct by lower-cased key, best first. */
    public List<String> extract(String text, int max) {
        String head = text.length() > MAX_INPUT_CHARS ? text.substring(0, MAX_INPUT_CHARS) : text;
        if (client != null) {
            try {
                List<String> names = clean(fromLlm(head, max), max);
                if (!names.isEmpty()) {
                    return names;
                }
                log.warn("mnemo: LLM concept extraction returned no concepts; using YAKE instead");
            } catch (RuntimeException e) {
                log.warn("mnemo: LLM concept extraction failed (%s); using YAKE instead", e.getMessage());
            }
        }
        return clean(
                Keyphrases.extract(head, max).stream()
                        .map(Keyphrases.Keyphrase::name)
                        .toList(),
                max);
    }

    private List<String> fromLlm(String text, int max) {
        String excerpt = text.length() > LLM_INPUT_CHARS ? text.substring(0, LLM_INPUT_CHARS) : text;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", llm.model());
        body.put("temperature", 0);
        body.put("response_format", Map.of("type", "json_object"));
        body.put(
                "messages",
                List.of(
                        Map.of(
                                "role",
                                "system",
                                "content",
                                "You extract the key concepts of a document: named entities, "
                                        + "technical terms and topics, each 1 to 4 words, written as in the text. Answer only with "
                                        + "JSON {\"concepts\": [\"...\"]}, at most " + max
                                        + " items, most important first."),
                        Map.of("role", "user", "content", excerpt)));
        JsonNode answer = client.post("chat/completions", body);
        String content =
                answer.path("choices").path(0).path("message").path("content").asText("");
        JsonNode parsed;
        try {
            parsed = OpenAiClient.json().readTree(content);
        } catch (Exception e) {
            throw new IllegalStateException("LLM answer is not JSON");
        }
        List<String> names = new ArrayList<>();
        JsonNode concepts = parsed == null ? null : parsed.path("concepts");
        if (concepts != null && concepts.isArray()) {
            concepts.forEach(node -> {
                if (node.isTextual()) {
                    names.add(node.asText());
                }
            });
        }
        return names;
    }

    private static List<String> clean(List<String> names, int max) {
        Map<String, String> byKey = new LinkedHashMap<>();
        for (String name : names) {
            String trimmed = name == null ? "" : name.strip().replaceAll("\\s+", " ");
            if (trimmed.length() < 2
                    || trimmed.length() > MAX_NAME_LENGTH
                    || trimmed.chars().noneMatch(Character::isLetter)) {
                continue;
            }
            byKey.putIfAbsent(key(trimmed), trimmed);
            if (byKey.size() == max) {
                break;
            }
        }
        return new ArrayList<>(byKey.values());
    }

    /** The unique key of a concept: its name lower-cased with white space folded. */
    public static String key(String name) {
        return name.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}
