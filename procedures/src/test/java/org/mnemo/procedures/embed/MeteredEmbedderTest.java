package org.mnemo.procedures.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mnemo.procedures.metrics.PluginMetrics;

class MeteredEmbedderTest {

    /** A remote-like embedder: fails while {@code down}, and reports its breaker as told. */
    static final class Flaky implements Embedder {
        final String model = "flaky-" + UUID.randomUUID();
        boolean down;
        boolean open;
        long openings;

        public String model() {
            return model;
        }

        public int dimension() {
            return 2;
        }

        public List<float[]> embed(List<String> texts) {
            if (down) {
                throw new IllegalStateException("provider down");
            }
            List<float[]> out = new ArrayList<>();
            texts.forEach(t -> out.add(new float[] {1, 0}));
            return out;
        }

        public boolean failingFast() {
            return open;
        }

        public long breakerOpenings() {
            return openings;
        }
    }

    @Test
    void callsAreCountedByOutcomeTimedAndTheBreakerIsReported() {
        Flaky flaky = new Flaky();
        Embedder metered = MeteredEmbedder.of("openai", flaky);
        metered.embed(List.of("a", "b", "c"));
        metered.embedQuery("q");
        flaky.down = true;
        assertThatThrownBy(() -> metered.embed(List.of("d"))).hasMessageContaining("provider down");

        assertThat(value("mnemo_embedder_calls", flaky.model, Map.of("outcome", "ok")))
                .isEqualTo(2);
        assertThat(value("mnemo_embedder_calls", flaky.model, Map.of("outcome", "error")))
                .isEqualTo(1);
        assertThat(value("mnemo_embedder_texts", flaky.model, Map.of())).isEqualTo(4);
        PluginMetrics.Sample latency = sample("mnemo_embedder_duration_seconds", flaky.model, Map.of());
        assertThat(latency.type()).isEqualTo("histogram");
        assertThat(latency.count()).isEqualTo(3);
        assertThat(latency.bucket_counts())
                .hasSameSizeAs(latency.buckets())
                .isSorted()
                .allSatisfy(c -> assertThat(c).isLessThanOrEqualTo(3));
        assertThat(value("mnemo_embedder_breaker_open", flaky.model, Map.of())).isZero();

        flaky.open = true;
        flaky.openings = 2;
        assertThat(value("mnemo_embedder_breaker_open", flaky.model, Map.of())).isEqualTo(1);
        assertThat(value("mnemo_embedder_breaker_openings", flaky.model, Map.of()))
                .isEqualTo(2);
    }

    private static double value(String name, String model, Map<String, String> labels) {
        return sample(name, model, labels).value();
    }

    private static PluginMetrics.Sample sample(String name, String model, Map<String, String> labels) {
        return PluginMetrics.samples().stream()
                .filter(s -> s.name().equals(name)
                        && model.equals(s.labels().get("model"))
                        && s.labels().entrySet().containsAll(labels.entrySet()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " for " + model + " " + labels));
    }
}
