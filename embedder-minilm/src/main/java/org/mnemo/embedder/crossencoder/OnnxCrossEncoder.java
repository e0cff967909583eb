package org.mnemo.embedder.crossencoder;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.procedures.rerank.Reranker;

/**
 * A cross-encoder (a BERT-style model exported to ONNX that reads query and passage together and answers one
 * relevance logit, like the ms-marco MiniLM cross-encoders) run in the database process from files the operator
 * points to: {@code model.onnx} and its {@code tokenizer.json}. No weights ship with Mnemo. Scores are the logit
 * through a sigmoid (or the positive class's softmax probability for a two-class head), so 0..1.
 */
final class OnnxCrossEncoder implements Reranker {
    private static final int MAX_TOKENS = 512;
    private static final int BATCH = 16;
    private static final List<String> INPUTS = List.of("input_ids", "attention_mask", "token_type_ids");

    private final String model;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;

    OnnxCrossEncoder(Path directory) {
        Path weights = directory.resolve("model.onnx");
        Path vocabulary = directory.resolve("tokenizer.json");
        if (!Files.isRegularFile(weights) || !Files.isRegularFile(vocabulary)) {
            throw new IllegalArgumentException("mnemo.rerank.model must name a directory holding model.onnx and "
                    + "tokenizer.json of a cross-encoder; '" + directory + "' does not");
        }
        try {
            environment = OrtEnvironment.getEnvironment();
            session = environment.createSession(weights.toString(), new OrtSession.SessionOptions());
            tokenizer = HuggingFaceTokenizer.newInstance(
                    vocabulary,
                    Map.of("truncation", "true", "padding", "false", "maxLength", String.valueOf(MAX_TOKENS)));
        } catch (OrtException | IOException e) {
            throw new IllegalStateException(
                    "the cross-encoder in '" + directory + "' cannot be loaded: " + e.getMessage(), e);
        }
        model = "onnx cross-encoder " + directory.getFileName();
    }

    @Override
    public String model() {
        return model;
    }

    /** Cross-encoders take no instruction: it is ignored. */
    @Override
    public List<Double> scores(String query, List<String> documents, String instruction) {
        List<Double> scores = new ArrayList<>(documents.size());
        for (int from = 0; from < documents.size(); from += BATCH) {
            scores.addAll(batch(query, documents.subList(from, Math.min(documents.size(), from + BATCH))));
        }
        return scores;
    }

    private List<Double> batch(String query, List<String> documents) {
        Encoding[] pairs = new Encoding[documents.size()];
        int length = 1;
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = tokenizer.encode(query, documents.get(i));
            length = Math.max(length, pairs[i].getIds().length);
        }
        long[][] ids = new long[pairs.length][length];
        long[][] mask = new long[pairs.length][length];
        long[][] types = new long[pairs.length][length];
        for (int i = 0; i < pairs.length; i++) {
            System.arraycopy(pairs[i].getIds(), 0, ids[i], 0, pairs[i].getIds().length);
            System.arraycopy(pairs[i].getAttentionMask(), 0, mask[i], 0, pairs[i].getAttentionMask().length);
            System.arraycopy(pairs[i].getTypeIds(), 0, types[i], 0, pairs[i].getTypeIds().length);
        }
        Map<String, long[][]> arrays = Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types);
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            for (String name : session.getInputNames()) {
                if (!INPUTS.contains(name)) {
                    throw new IllegalStateException(
                            "the cross-encoder wants an input '" + name + "'; known are " + INPUTS);
                }
                inputs.put(name, OnnxTensor.createTensor(environment, arrays.get(name)));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                float[][] logits = (float[][]) result.get(0).getValue();
                List<Double> scores = new ArrayList<>(logits.length);
                for (float[] row : logits) {
                    scores.add(score(row));
                }
                return scores;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("the cross-encoder failed: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private static double score(float[] row) {
        if (row.length == 1) {
            return 1 / (1 + Math.exp(-row[0]));
        }
        if (row.length == 2) {
            return 1 / (1 + Math.exp(row[0] - row[1]));
        }
        throw new IllegalStateException("the cross-encoder answers " + row.length + " values per pair; a relevance "
                + "head answers 1 (or 2: not relevant, relevant)");
    }
}
