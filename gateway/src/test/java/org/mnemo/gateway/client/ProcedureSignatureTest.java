package org.mnemo.gateway.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.rest.TestGateway;
import org.neo4j.graphdb.Transaction;

/**
 * The client's records and the procedures they map stay in step: for every {@link Rows} record, each procedure it
 * names ({@link ResultOf}) yields exactly its components, by name, in a type the driver maps onto the component's.
 * A procedure that renames, adds or drops an output field fails here.
 */
class ProcedureSignatureTest {
    /** An output field of a signature: {@code name :: TYPE}. */
    private static final Pattern FIELD = Pattern.compile("(\\w+) :: ([A-Z ]+(?:<[A-Z ]+>)?)");

    /** The Java types a Cypher type reaches the client as. */
    private static final Map<String, Set<Class<?>>> JAVA = Map.of(
            "STRING", Set.of(String.class),
            "INTEGER", Set.of(long.class, Long.class),
            "FLOAT", Set.of(double.class, Double.class),
            "BOOLEAN", Set.of(boolean.class, Boolean.class),
            "MAP", Set.of(Map.class),
            "LIST", Set.of(List.class),
            "ZONED DATETIME", Set.of(ZonedDateTime.class));

    @Test
    void theLibraryTypesAreThePluginsOwn() {
        try (Transaction tx = TestGateway.get().db().beginTx()) {
            List<Object> names =
                    tx.execute("CALL mnemo.library.types() YIELD name RETURN name").columnAs("name").stream()
                            .toList();
            assertThat(names).containsExactlyInAnyOrderElementsOf(LibraryTypes.NAMES);
        }
    }

    @Test
    void everyRecordMatchesTheOutputOfTheProceduresItMaps() {
        Map<String, Map<String, String>> outputs = outputs();
        List<String> mismatches = new ArrayList<>();
        List<Class<?>> records = Arrays.stream(Rows.class.getDeclaredClasses())
                .filter(Class::isRecord)
                .toList();
        assertThat(records).isNotEmpty();
        for (Class<?> record : records) {
            ResultOf mapped = record.getAnnotation(ResultOf.class);
            assertThat(mapped)
                    .as(record.getSimpleName() + " names the procedures it maps")
                    .isNotNull();
            for (String procedure : mapped.value()) {
                Map<String, String> fields = outputs.get(procedure);
                if (fields == null) {
                    mismatches.add(record.getSimpleName() + ": no procedure " + procedure);
                    continue;
                }
                mismatches.addAll(compare(record, procedure, fields));
            }
        }
        assertThat(mismatches).isEmpty();
    }

    /** A record that differs from a procedure's output is reported, by name and by type. */
    @Test
    void aMismatchIsReported() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("namespace", "STRING");
        fields.put("memories", "FLOAT");
        fields.put("renamed", "STRING");
        assertThat(compare(Rows.Purged.class, "mnemo.example", fields))
                .containsExactlyInAnyOrder(
                        "Purged maps mnemo.example: memories is FLOAT, but the component is long",
                        "Purged maps mnemo.example: the procedure yields renamed, which the record lacks");
        fields.remove("renamed");
        fields.remove("memories");
        assertThat(compare(Rows.Purged.class, "mnemo.example", fields))
                .containsExactly(
                        "Purged maps mnemo.example: the record has memories, which the procedure does not yield");
    }

    /** Each mnemo.* procedure's output fields and their Cypher types, from SHOW PROCEDURES. */
    private static Map<String, Map<String, String>> outputs() {
        Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
        try (Transaction tx = TestGateway.get().db().beginTx()) {
            tx.execute("SHOW PROCEDURES YIELD name, signature WHERE name STARTS WITH 'mnemo.' RETURN name, signature")
                    .forEachRemaining(
                            row -> outputs.put((String) row.get("name"), fields((String) row.get("signature"))));
        }
        return outputs;
    }

    /** {@code mnemo.x(in :: STRING) :: (a :: STRING, b :: LIST<STRING>)} → {a: STRING, b: LIST<STRING>}. */
    static Map<String, String> fields(String signature) {
        String output = signature.substring(signature.lastIndexOf(") :: (") + ") :: (".length());
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher field = FIELD.matcher(output);
        while (field.find()) {
            fields.put(field.group(1), field.group(2).strip());
        }
        return fields;
    }

    private static List<String> compare(Class<?> record, String procedure, Map<String, String> fields) {
        String at = record.getSimpleName() + " maps " + procedure + ": ";
        List<String> mismatches = new ArrayList<>();
        Map<String, Class<?>> components = new LinkedHashMap<>();
        for (RecordComponent component : record.getRecordComponents()) {
            components.put(component.getName(), component.getType());
        }
        fields.forEach((name, cypher) -> {
            Class<?> type = components.get(name);
            if (type == null) {
                mismatches.add(at + "the procedure yields " + name + ", which the record lacks");
            } else if (!JAVA.getOrDefault(cypher.replaceAll("<.*>", ""), Set.of())
                    .contains(type)) {
                mismatches.add(at + name + " is " + cypher + ", but the component is " + type.getSimpleName());
            }
        });
        components.keySet().stream()
                .filter(name -> !fields.containsKey(name))
                .forEach(
                        name -> mismatches.add(at + "the record has " + name + ", which the procedure does not yield"));
        return mismatches;
    }
}
