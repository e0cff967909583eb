package org.mnemo.procedures.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MnemoConfigTest {

    @Test
    void defaultsUseTheLocalEmbedder() {
        MnemoConfig config = MnemoConfig.defaults();
        assertThat(config.embedder().provider()).isEqualTo("local");
        assertThat(config.exactThreshold()).isEqualTo(1_000);
        assertThat(config.llm().enabled()).isFalse();
    }

    @Test
    void environmentOverridesTheFile() {
        MnemoConfig config = MnemoConfig.from(
                Map.of(
                        "mnemo.embedding.provider",
                        "openai",
                        "mnemo.embedding.timeout",
                        "500ms",
                        "mnemo.search.exact_threshold",
                        "10"),
                Map.of("MNEMO_SEARCH_EXACT_THRESHOLD", "99"),
                "test");
        assertThat(config.embedder().provider()).isEqualTo("openai");
        assertThat(config.embedder().timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.exactThreshold()).isEqualTo(99);
    }

    @Test
    void typosAndBadValuesNameTheKey() {
        assertThatThrownBy(() -> MnemoConfig.from(Map.of("mnemo.embeding.provider", "x"), Map.of(), "mnemo.conf"))
                .hasMessageContaining("unknown setting(s) [mnemo.embeding.provider] in mnemo.conf");
        assertThatThrownBy(() -> MnemoConfig.from(Map.of("mnemo.ingest.batch_size", "many"), Map.of(), "f"))
                .hasMessageContaining("mnemo.ingest.batch_size has an invalid value 'many'");
        assertThatThrownBy(() -> MnemoConfig.from(Map.of("mnemo.ingest.batch_size", "0"), Map.of(), "f"))
                .hasMessageContaining("mnemo.ingest.batch_size must be at least 1");
    }

    @Test
    void theDocumentedTableListsExactlyTheSettings() throws IOException {
        String doc = Files.readString(Path.of("../docs/configuration.md"));
        TreeSet<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `(mnemo\\.[a-z_.]+)` \\|").matcher(doc);
        while (m.find()) {
            documented.add(m.group(1));
        }
        TreeSet<String> declared = new TreeSet<>();
        MnemoSettings.ALL.forEach(s -> declared.add(s.key()));
        assertThat(documented).isEqualTo(declared);
    }
}
