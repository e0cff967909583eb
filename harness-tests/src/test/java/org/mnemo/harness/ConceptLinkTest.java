package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnemo.harness.TestDatabase.call;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Co-occurrence links: after ingests by every path (one call, a batch of documents, a document longer than one
 * transaction's batch, the same pairs again), each pair of concepts that some chunk mentions together has exactly
 * one RELATED_TO, from the smaller key to the larger, whose weight is the number of chunks that mention both.
 */
class ConceptLinkTest {
    /** Made-up terms no other test uses, so every mention of their concepts comes from this test. */
    private static final List<String> TERMS =
            List.of("Quorvex", "Zantheril", "Plimbotar", "Drescovar", "Mivalune", "Tarquenix", "Fenwarble");

    private static String note(int seed, int paragraphs) {
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < paragraphs; p++) {
            String a = TERMS.get((seed + p) % TERMS.size());
            String b = TERMS.get((seed + 2 * p + 1) % TERMS.size());
            String c = TERMS.get((seed + 3 * p + 2) % TERMS.size());
            text.append(a)
                    .append(" engines feed the ")
                    .append(b)
                    .append(" relay, and ")
                    .append(a)
                    .append(" operators calibrate ")
                    .append(c)
                    .append(" valves before every ")
                    .append(b)
                    .append(" shift. The ")
                    .append(c)
                    .append(" valves keep the ")
                    .append(a)
                    .append(" engines steady through the night watch of paragraph ")
                    .append(p)
                    .append(" in note ")
                    .append(seed)
                    .append(".\n\n");
        }
        return text.toString();
    }

    @Test
    void everyCoMentionedPairHasOneLinkWeighedByTheChunksThatMentionBoth() {
        String library = TestDatabase.library(TestDatabase.unique("links"), "technical");
        call("CALL mnemo.ingest($l, $t, {title: 'one'})", Map.of("l", library, "t", note(0, 3)));
        List<Map<String, Object>> documents = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            documents.add(Map.of("text", note(i, 2), "item", Map.of("title", "batch " + i)));
        }
        call("CALL mnemo.ingest.batch($l, $d)", Map.of("l", library, "d", documents));
        // Longer than one transaction's batch of chunks (mnemo.ingest.batch_size, 64): written in several, the
        // links in the last.
        long longChunks = (long) call(
                        "CALL mnemo.ingest($l, $t, {title: 'long'}, {chunk_size: 300}) YIELD chunk_count "
                                + "RETURN chunk_count",
                        Map.of("l", library, "t", note(5, 90)))
                .get(0)
                .get("chunk_count");
        assertThat(longChunks).isGreaterThan(64);
        // The same pairs again: the existing links' weights grow.
        call("CALL mnemo.ingest($l, $t, {title: 'again'})", Map.of("l", library, "t", note(0, 3) + "Once more."));

        List<String> stems =
                TERMS.stream().map(t -> t.toLowerCase(java.util.Locale.ROOT)).toList();
        List<Map<String, Object>> links = call("""
                MATCH (a:Concept)-[r:RELATED_TO]->(b:Concept)
                WHERE any(s IN $stems WHERE a.name_key CONTAINS s) AND any(s IN $stems WHERE b.name_key CONTAINS s)
                WITH a, b, collect(r.weight) AS weights
                CALL (a, b) {
                    MATCH (a)<-[:MENTIONS]-(c:Chunk)-[:MENTIONS]->(b) RETURN count(DISTINCT c) AS chunks
                }
                RETURN a.name_key AS a, b.name_key AS b, weights, chunks""", Map.of("stems", stems));
        assertThat(links).as("links among the made-up concepts").hasSizeGreaterThan(5);
        assertThat(links).allSatisfy(l -> {
            assertThat((List<?>) l.get("weights"))
                    .as("links of %s → %s", l.get("a"), l.get("b"))
                    .hasSize(1);
            assertThat((String) l.get("a")).isLessThan((String) l.get("b"));
            assertThat(((List<?>) l.get("weights")).get(0))
                    .as("weight of %s → %s", l.get("a"), l.get("b"))
                    .isEqualTo(l.get("chunks"));
        });
        assertThat(links).anySatisfy(l -> assertThat((Long) l.get("chunks")).isGreaterThan(1));
        List<Map<String, Object>> unlinked = call("""
                MATCH (a:Concept)<-[:MENTIONS]-(:Chunk)-[:MENTIONS]->(b:Concept)
                WHERE a.name_key < b.name_key
                  AND any(s IN $stems WHERE a.name_key CONTAINS s) AND any(s IN $stems WHERE b.name_key CONTAINS s)
                  AND NOT (a)-[:RELATED_TO]->(b)
                RETURN DISTINCT a.name_key AS a, b.name_key AS b""", Map.of("stems", stems));
        assertThat(unlinked).as("co-mentioned pairs without a link").isEmpty();
    }
}
