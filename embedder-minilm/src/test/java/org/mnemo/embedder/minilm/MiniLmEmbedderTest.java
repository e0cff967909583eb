package org.mnemo.embedder.minilm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MiniLmEmbedderTest {
    private static final MiniLmEmbedder EMBEDDER = new MiniLmEmbedder(8);

    @Test
    void embedsTextsIntoUnitVectorsOf384Dimensions() {
        List<float[]> vectors = EMBEDDER.embed(List.of("a cat sat on the mat", "stock prices fell sharply"));
        assertThat(vectors).hasSize(2);
        for (float[] v : vectors) {
            assertThat(v).hasSize(384);
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
        }
    }

    @Test
    void placesParaphrasesCloserThanUnrelatedTexts() {
        List<float[]> v = EMBEDDER.embed(List.of(
                "How do I reset my password?",
                "Steps to recover a forgotten login password",
                "The orchestra played Beethoven's ninth symphony"));
        assertThat(dot(v.get(0), v.get(1))).isGreaterThan(dot(v.get(0), v.get(2)) + 0.2);
    }

    @Test
    void keepsOrderAcrossBatches() {
        List<String> texts = List.of("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten");
        List<float[]> batched = EMBEDDER.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(dot(batched.get(i), EMBEDDER.embed(texts.get(i)))).isGreaterThan(0.999);
        }
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
