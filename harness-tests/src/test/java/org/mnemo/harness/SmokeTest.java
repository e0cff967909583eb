package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void apocIsLoadedNextToMnemo() {
        var rows = TestDatabase.call("RETURN apoc.version() AS v", Map.of());
        assertThat((String) rows.get(0).get("v")).startsWith("5.26");
    }

    @Test
    void ingestThenSearchFindsTheDocument() {
        String lib = TestDatabase.library(TestDatabase.unique("smoke"), "technical");
        var ingested = TestDatabase.call("CALL mnemo.ingest($lib, $text, {title: 'Doc'})", Map.of("lib", lib, "text",
                "# Install\n\nRun the installer and restart the Neo4j server.\n\n# Backup\n\nUse neo4j-admin to take a backup of the database every night."));
        assertThat(ingested.get(0).get("status")).isEqualTo("created");
        var hits = TestDatabase.call("CALL mnemo.search('how do I back up my data', {libraries: [$lib]})",
                Map.of("lib", lib));
        assertThat(hits).isNotEmpty();
        assertThat((String) hits.get(0).get("text_preview")).contains("backup");
        System.out.println(hits);
    }
}
