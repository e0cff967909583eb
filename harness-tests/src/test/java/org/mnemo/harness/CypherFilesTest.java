package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The cypher/ files analysts copy from stay true: schema.cypher declares exactly the constraints and indexes
 * mnemo.schema.apply creates (name, label, property), and every statement of examples.cypher runs.
 */
class CypherFilesTest {
    private static final Pattern CREATE = Pattern.compile(
            "CREATE (CONSTRAINT|(?:FULLTEXT |VECTOR )?INDEX) (mnemo_\\w+) IF NOT EXISTS FOR \\(n:(\\w+)\\) "
                    + "(?:REQUIRE n\\.(\\w+) IS UNIQUE|ON (?:EACH \\[)?\\(?n\\.(\\w+))");

    private static List<String> statements(String file) throws IOException {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("../cypher/" + file))) {
            if (line.strip().startsWith("//") || line.isBlank()) {
                continue;
            }
            current.append(line).append('\n');
            if (line.strip().endsWith(";")) {
                String statement = current.toString().strip();
                statements.add(statement.substring(0, statement.length() - 1));
                current.setLength(0);
            }
        }
        assertThat(current.toString()).as("a statement without its ';'").isBlank();
        return statements;
    }

    @Test
    void schemaFileDeclaresWhatSchemaApplyCreates() throws IOException {
        TreeSet<String> declared = new TreeSet<>();
        for (String statement : statements("schema.cypher")) {
            Matcher m = CREATE.matcher(statement);
            assertThat(m.find()).as(statement).isTrue();
            declared.add(m.group(2) + " " + m.group(3) + "." + (m.group(4) != null ? m.group(4) : m.group(5)));
        }
        TreeSet<String> created = new TreeSet<>();
        TestDatabase.call(
                        "SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties WHERE name STARTS WITH 'mnemo_' "
                                + "RETURN name, labelsOrTypes[0] AS label, properties[0] AS property",
                        Map.of())
                .forEach(r -> created.add(r.get("name") + " " + r.get("label") + "." + r.get("property")));
        TestDatabase.call(
                        "SHOW INDEXES YIELD name, labelsOrTypes, properties, owningConstraint "
                                + "WHERE name STARTS WITH 'mnemo_' AND owningConstraint IS NULL "
                                + "RETURN name, labelsOrTypes[0] AS label, properties[0] AS property",
                        Map.of())
                .forEach(r -> created.add(r.get("name") + " " + r.get("label") + "." + r.get("property")));
        assertThat(declared).isEqualTo(created);
    }

    @Test
    void everyExampleRuns() throws IOException {
        List<String> examples = statements("examples.cypher");
        assertThat(examples).hasSizeGreaterThanOrEqualTo(6);
        for (String statement : examples) {
            List<Map<String, Object>> rows = TestDatabase.call(statement, Map.of());
            if (statement.contains("mnemo.search")) {
                assertThat(rows).as(statement).isNotEmpty();
            }
        }
    }
}
