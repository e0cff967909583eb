package org.mnemo.embedder.bge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BgeSmallEmbedderTest {
    private static final BgeSmallEmbedder EMBEDDER = new BgeSmallEmbedder(8);

    @Test
    void embedsTextsIntoUnitVectorsOf384Dimensions() {
        List<float[]> vectors = EMBEDDER.embed(List.of("a cat sat on the mat", "stock prices fell sharply"));
        assertThat(vectors).hasSize(2).allSatisfy(v -> {
            assertThat(v).hasSize(384);
            assertThat(Math.sqrt(dot(v, v))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
        });
    }

    @Test
    void aQueryFindsItsPassageBeforeAnUnrelatedOne() {
        float[] query = EMBEDDER.embedQuery("how do I reset my password");
        List<float[]> passages = EMBEDDER.embed(List.of(
                "To recover a forgotten login password, open the sign-in page and choose 'Forgot password'.",
                "The orchestra played Beethoven's ninth symphony to a full hall."));
        assertThat(dot(query, passages.get(0))).isGreaterThan(dot(query, passages.get(1)) + 0.1);
        // The query instruction is applied to queries only.
        assertThat(dot(query, EMBEDDER.embed("how do I reset my password"))).isLessThan(0.999);
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
