package org.mnemo.procedures.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mnemo.procedures.library.LibraryType.ChunkStrategy;

class ChunkerTest {

    @Test
    void chunksStayWithinTheSizeAndTheirOffsetsPointAtTheirText() {
        String text = TextNormalizer.normalize("""
                The first paragraph has two sentences. It talks about rivers and bridges.

                The second paragraph is longer than the others because it keeps going about the harbour, the \
                boats, the fishermen and the weather that changes every afternoon. It ends here.

                Short third.""");
        List<ChunkDraft> chunks = new Chunker(120, 40, ChunkStrategy.PARAGRAPH).chunk(text);
        assertThat(chunks).hasSizeGreaterThan(1);
        for (ChunkDraft c : chunks) {
            assertThat(c.text().length()).isLessThanOrEqualTo(120);
            assertThat(text.substring((int) c.charStart(), (int) c.charEnd())).isEqualTo(c.text());
        }
        assertThat(chunks.get(0).charStart()).isZero();
        assertThat(chunks.get(chunks.size() - 1).charEnd()).isEqualTo(text.length());
    }

    @Test
    void consecutiveChunksOverlapByWholeSentences() {
        String text = "Alpha one is here. Beta two is here. Gamma three is here. Delta four is here. "
                + "Epsilon five is here. Zeta six is here.";
        List<ChunkDraft> chunks = new Chunker(60, 25, ChunkStrategy.SENTENCE).chunk(text);
        assertThat(chunks).hasSizeGreaterThan(2);
        for (int i = 1; i < chunks.size(); i++) {
            assertThat(chunks.get(i).charStart()).isLessThan(chunks.get(i - 1).charEnd());
            assertThat(chunks.get(i).charStart())
                    .isGreaterThan(chunks.get(i - 1).charStart());
        }
        assertThat(chunks.get(1).text()).startsWith("Gamma three");
    }

    @Test
    void markdownHeadingsStartChunksAndAreCarriedIntoLaterChunksOfTheirSection() {
        String text = "# Install\n\nDownload the archive. Unpack it anywhere.\n\n# Configure\n\n"
                + "Edit the file. ".repeat(20).strip();
        List<ChunkDraft> chunks = new Chunker(100, 0, ChunkStrategy.MARKDOWN).chunk(text);
        assertThat(chunks.get(0).text()).startsWith("# Install").doesNotContain("Configure");
        assertThat(chunks.get(1).text()).startsWith("# Configure");
        assertThat(chunks.get(2).text()).startsWith("# Configure\n\nEdit the file.");
    }

    @Test
    void smallSectionsMergeAndATitleNeverStandsAlone() {
        Chunker chunker = new Chunker(200, 0, ChunkStrategy.MARKDOWN);
        String short_ = "# Pumps\n\n## Priming\n\nFill the casing.\n\n## Seals\n\nCheck them weekly.";
        assertThat(chunker.chunk(short_))
                .singleElement()
                .satisfies(c -> assertThat(c.text()).isEqualTo(short_));
        String titled = "# Pumps\n\n## Priming\n\n"
                + "Fill the casing before start-up. ".repeat(12).strip();
        List<ChunkDraft> chunks = chunker.chunk(titled);
        assertThat(chunks.get(0).text()).startsWith("# Pumps\n\n## Priming\n\nFill");
        assertThat(chunks).allSatisfy(c -> assertThat(c.text()).contains("Fill the casing"));
        assertThat(chunks.subList(1, chunks.size()))
                .allSatisfy(c -> assertThat(c.text()).startsWith("## Priming"));
        String paragraphs = "Title line\n\nA short paragraph.\n\nAnother one.";
        assertThat(new Chunker(200, 0, ChunkStrategy.PARAGRAPH).chunk(paragraphs))
                .hasSize(1);
    }

    @Test
    void anOverlongSentenceIsCutAtWordBoundaries() {
        String text = "word ".repeat(100).strip();
        List<ChunkDraft> chunks = new Chunker(60, 0, ChunkStrategy.PARAGRAPH).chunk(text);
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.text().length()).isLessThanOrEqualTo(60);
            assertThat(c.text()).doesNotStartWith(" ").matches("(word ?)+");
        });
    }

    @Test
    void rejectsSizesThatCannotWork() {
        assertThatThrownBy(() -> new Chunker(10, 0, ChunkStrategy.PARAGRAPH)).hasMessageContaining("chunk_size");
        assertThatThrownBy(() -> new Chunker(100, 60, ChunkStrategy.PARAGRAPH)).hasMessageContaining("chunk_overlap");
    }

    @Test
    void normalisationFoldsLineEndingsControlsAndBlankRuns() {
        assertThat(TextNormalizer.normalize("  a\r\nb\u0000\u0007\n\n\n\nc \t\n"))
                .isEqualTo("a\nb\n\nc");
        assertThat(TextNormalizer.normalize("e\u0301")).isEqualTo("\u00e9");
    }

    /**
     * Uploaded text is attacker-chosen: normalising and chunking long runs must not backtrack over them (200,000
     * blanks without a newline took minutes when the trailing-blank pattern was tried from every blank). A guard
     * against the quadratic case, not a speed target.
     */
    @Test
    void longRunsOfBlanksOrSeparatorsAreNormalisedAndChunkedWithoutBacktracking() {
        int n = 200_000;
        String[] inputs = {
            " ".repeat(n) + "x",
            "x" + " \t".repeat(n / 2) + "y",
            "\n ".repeat(n / 2) + "z",
            "#".repeat(n),
            "a-".repeat(n / 2),
            "w".repeat(n),
        };
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> {
            for (String input : inputs) {
                String text = TextNormalizer.normalize(input);
                assertThat(new Chunker(1000, 100, ChunkStrategy.PARAGRAPH).chunk(text))
                        .isNotEmpty();
            }
        });
        assertThat(TextNormalizer.normalize("a  \t \nb\t\nc")).isEqualTo("a\nb\nc");
    }
}
