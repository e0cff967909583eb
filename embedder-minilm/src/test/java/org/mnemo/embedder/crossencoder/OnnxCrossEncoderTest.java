package org.mnemo.embedder.crossencoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnemo.procedures.config.MnemoConfig.RerankSettings;
import org.mnemo.procedures.rerank.Reranker;
import org.mnemo.procedures.rerank.Rerankers;

/**
 * The local cross-encoder through the real ONNX runtime and the real BERT tokenizer (MiniLM's tokenizer.json), with a
 * stand-in model — no cross-encoder weights can be fetched here — built by resources/crossencoder-standin/
 * make_model.py: its logit is the number of 'pottery' word pieces in the query-passage pair.
 */
class OnnxCrossEncoderTest {

    private static RerankSettings onnx(Path directory) {
        return new RerankSettings("onnx", "", "", directory.toString(), Duration.ofSeconds(5), 0, 30);
    }

    private static Path modelDirectory(Path dir) throws IOException {
        try (InputStream model = OnnxCrossEncoderTest.class.getResourceAsStream("/crossencoder-standin/model.onnx");
                InputStream tokenizer =
                        OnnxCrossEncoderTest.class.getResourceAsStream("/all-minilm-l6-v2-q-tokenizer.json")) {
            Files.copy(model, dir.resolve("model.onnx"));
            Files.copy(tokenizer, dir.resolve("tokenizer.json"));
        }
        return dir;
    }

    @Test
    void scoresEachPairThroughTheModelFoundByItsProviderName(@TempDir Path dir) throws IOException {
        Reranker reranker = Rerankers.get(onnx(modelDirectory(dir)));
        assertThat(reranker.model()).startsWith("onnx cross-encoder");
        // 20 documents: more than one batch of 16, of different lengths (padding must not count).
        List<String> documents = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            documents.add(
                    i == 7
                            ? "Pottery class: pottery wheels and glazes."
                            : i == 13 ? "A pottery studio." : "A quiet morning " + "by the lake ".repeat(i));
        }
        List<Double> scores = reranker.scores("where is the class", documents, "ignored instruction");
        assertThat(scores).hasSize(20);
        assertThat(scores.get(7)).isCloseTo(1 / (1 + Math.exp(-2)), within(1e-6));
        assertThat(scores.get(13)).isCloseTo(1 / (1 + Math.exp(-1)), within(1e-6));
        assertThat(scores.get(0)).isCloseTo(0.5, within(1e-6));
        assertThat(scores.get(19)).isCloseTo(0.5, within(1e-6));
        // The query counts too, in every pair.
        assertThat(reranker.scores("pottery", List.of("lake"), null).get(0))
                .isCloseTo(1 / (1 + Math.exp(-1)), within(1e-6));
    }

    @Test
    void aMissingModelIsReportedWhenScoring(@TempDir Path dir) {
        Reranker broken = Rerankers.get(onnx(dir.resolve("nowhere")));
        assertThatThrownBy(() -> broken.scores("q", List.of("d"), null))
                .hasMessageContaining("mnemo.rerank.model")
                .hasMessageContaining("model.onnx");
    }
}
