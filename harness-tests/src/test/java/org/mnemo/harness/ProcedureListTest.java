package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProcedureListTest {

    @Test
    void theProceduresInTheDatabaseAreExactlyTheDocumentedOnesAndAllAreDescribed() throws IOException {
        String doc = Files.readString(Path.of("../docs/procedures.md"));
        TreeSet<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^### (mnemo\\.[a-z.]+)$").matcher(doc);
        while (m.find()) {
            documented.add(m.group(1));
        }
        var rows = TestDatabase.call(
                "SHOW PROCEDURES YIELD name, description WHERE name STARTS WITH 'mnemo.' " + "RETURN name, description",
                Map.of());
        TreeSet<String> deployed = new TreeSet<>();
        rows.forEach(r -> deployed.add((String) r.get("name")));
        assertThat(deployed).isEqualTo(documented);
        assertThat(rows)
                .allSatisfy(r -> assertThat((String) r.get("description")).hasSizeGreaterThan(20));
    }
}
