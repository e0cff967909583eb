package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mnemo.harness.TestDatabase.call;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** mnemo.project.*: canonical ids, case-insensitive aliases that belong to one project, trusted state with history. */
class ProjectTest {

    private static String resolve(String name) {
        return (String) call("CALL mnemo.project.resolve($n)", java.util.Collections.singletonMap("n", name))
                .get(0)
                .get("id");
    }

    private static List<Map<String, Object>> state(String project, Map<String, Object> options) {
        return call("CALL mnemo.project.state.list($p, $o)", Map.of("p", project, "o", options));
    }

    @Test
    void aProjectIsFoundByItsIdOrAnyAliasInAnyCase() {
        String id = TestDatabase.unique("Atlas");
        String alias = TestDatabase.unique("Atlas-Alias");
        String library = TestDatabase.library(TestDatabase.unique("atlas-src"), "technical");
        Map<String, Object> row = call(
                        "CALL mnemo.project.register($id, {aliases: [$a], description: 'maps', "
                                + "ingest_roots: ['/src/atlas'], libraries: [$l], owner: 'ann'})",
                        Map.of("id", id, "a", alias, "l", library))
                .get(0);
        assertThat(row)
                .containsEntry("id", id)
                .containsEntry("status", "active")
                .containsEntry("owner", "ann")
                .containsEntry("aliases", List.of(alias))
                .containsEntry("libraries", List.of(library))
                .containsEntry("ingest_roots", List.of("/src/atlas"));

        assertThat(resolve(alias.toUpperCase())).isEqualTo(id);
        assertThat(resolve(id.toLowerCase())).isEqualTo(id);
        assertThat(resolve("  ")).isEmpty();
        assertThat(resolve(null)).isEmpty();
        assertThat(resolve("No-Such-Project-X")).isEqualTo("No-Such-Project-X");
        assertThat(call("CALL mnemo.project.get($n)", Map.of("n", alias.toLowerCase()))
                        .get(0)
                        .get("id"))
                .isEqualTo(id);
        assertThat(call("CALL mnemo.project.list({owner: 'ann'})", Map.of()))
                .extracting(r -> r.get("id"))
                .contains(id);
        assertThatThrownBy(() -> call("CALL mnemo.project.get('no-such-project-y')", Map.of()))
                .hasMessageContaining("not_found");
    }

    @Test
    void anIdOrAliasBelongsToOneProjectOnRegisterAndOnUpdate() {
        String first = TestDatabase.unique("Orion");
        String taken = TestDatabase.unique("Hunter");
        call("CALL mnemo.project.register($id, {aliases: [$a]})", Map.of("id", first, "a", taken));
        String second = TestDatabase.unique("Vega");

        assertThatThrownBy(() -> call(
                        "CALL mnemo.project.register($id, {aliases: [$a]})",
                        Map.of("id", second, "a", taken.toUpperCase())))
                .hasMessageContaining("alias_taken")
                .hasMessageContaining("belongs to project '" + first + "'");
        // Someone else's id is taken as an alias too, and an existing id in another case as an id.
        assertThatThrownBy(() -> call(
                        "CALL mnemo.project.register($id, {aliases: [$a]})",
                        Map.of("id", second, "a", first.toLowerCase())))
                .hasMessageContaining("alias_taken");
        assertThatThrownBy(() -> call("CALL mnemo.project.register($id)", Map.of("id", first.toUpperCase())))
                .hasMessageContaining("alias_taken")
                .hasMessageContaining("'" + first + "'");
        assertThat(resolve(second)).as("a refused registration writes nothing").isEqualTo(second);

        call("CALL mnemo.project.register($id)", Map.of("id", second));
        assertThatThrownBy(
                        () -> call("CALL mnemo.project.update($n, {aliases: [$a]})", Map.of("n", second, "a", taken)))
                .hasMessageContaining("alias_taken")
                .hasMessageContaining("belongs to project '" + first + "'");
        // Dropping an alias frees it for another project; the id stays with its project whatever the aliases.
        String renamed = TestDatabase.unique("Betelgeuse");
        call("CALL mnemo.project.update($n, {aliases: [$r], status: 'paused'})", Map.of("n", taken, "r", renamed));
        assertThat(resolve(taken)).isEqualTo(taken);
        assertThat(resolve(renamed)).isEqualTo(first);
        assertThat(resolve(first)).isEqualTo(first);
        Map<String, Object> updated = call(
                        "CALL mnemo.project.update($n, {aliases: [$a]})", Map.of("n", second, "a", taken))
                .get(0);
        assertThat(updated.get("aliases")).isEqualTo(List.of(taken));
        assertThat(resolve(taken.toLowerCase())).isEqualTo(second);
        assertThat(call("CALL mnemo.project.get($n)", Map.of("n", first)).get(0).get("status"))
                .isEqualTo("paused");
        assertThatThrownBy(() -> call("CALL mnemo.project.update($n, {owner: 'x'})", Map.of("n", first)))
                .hasMessageContaining("unknown option(s) [owner]");
    }

    @Test
    void stateIsUpsertedThroughAnAliasAndKeepsItsHistory() {
        String id = TestDatabase.unique("Lyra");
        String alias = TestDatabase.unique("lyre");
        call("CALL mnemo.project.register($id, {aliases: [$a]})", Map.of("id", id, "a", alias));

        Map<String, Object> set = call(
                        "CALL mnemo.project.state.set($p, 'decision', 'db', 'Neo4j 5.26', "
                                + "{source: 'meeting', confidence: 0.9})",
                        Map.of("p", alias.toUpperCase()))
                .get(0);
        assertThat(set)
                .containsEntry("project", id)
                .containsEntry("status", "active")
                .containsEntry("value", "Neo4j 5.26")
                .containsEntry("source", "meeting")
                .containsEntry("confidence", 0.9);
        // The same value again is no new entry; a changed one supersedes the old, which stays.
        call("CALL mnemo.project.state.set($p, 'decision', 'db', 'Neo4j 5.26')", Map.of("p", id));
        call("CALL mnemo.project.state.set($p, 'decision', 'db', 'Neo4j 2026.08')", Map.of("p", id));
        call("CALL mnemo.project.state.set($p, 'next_step', 'ship', 'tag 0.3')", Map.of("p", id));

        assertThat(state(id, Map.of()))
                .extracting(r -> r.get("category") + "/" + r.get("value"))
                .containsExactly("decision/Neo4j 2026.08", "next_step/tag 0.3");
        assertThat(state(alias, Map.of("category", "decision", "include_history", true)))
                .extracting(r -> r.get("value") + ":" + r.get("status"))
                .containsExactly("Neo4j 2026.08:active", "Neo4j 5.26:superseded");

        assertThat(call("CALL mnemo.project.state.invalidate($p, 'next_step', 'ship')", Map.of("p", alias))
                        .get(0)
                        .get("invalidated"))
                .isEqualTo(true);
        assertThat(call("CALL mnemo.project.state.invalidate($p, 'next_step', 'ship')", Map.of("p", id))
                        .get(0)
                        .get("invalidated"))
                .isEqualTo(false);
        assertThat(state(id, Map.of("category", "next_step"))).isEmpty();
        assertThat(state(id, Map.of("include_history", true)))
                .hasSize(3)
                .extracting(r -> r.get("status"))
                .containsExactly("active", "superseded", "superseded");
        // Set again after invalidation: a fresh active entry, history intact.
        call("CALL mnemo.project.state.set($p, 'next_step', 'ship', 'tag 0.4')", Map.of("p", id));
        assertThat(state(id, Map.of("category", "next_step", "include_history", true)))
                .extracting(r -> r.get("value") + ":" + r.get("status"))
                .containsExactly("tag 0.4:active", "tag 0.3:superseded");
        assertThat(call("MATCH (s:ProjectState {project: $p}) RETURN count(s) AS n", Map.of("p", id))
                        .get(0)
                        .get("n"))
                .isEqualTo(4L);
    }

    @Test
    void stateRefusesAnUnknownCategoryOrProject() {
        String id = TestDatabase.unique("Draco");
        call("CALL mnemo.project.register($id)", Map.of("id", id));
        assertThatThrownBy(() -> call("CALL mnemo.project.state.set($p, 'rumour', 'k', 'v')", Map.of("p", id)))
                .hasMessageContaining("mnemo.project.state.set: 'category' must be one of")
                .hasMessageContaining("next_step");
        assertThatThrownBy(() -> call("CALL mnemo.project.state.list($p, {category: 'gossip'})", Map.of("p", id)))
                .hasMessageContaining("'category'");
        assertThatThrownBy(() -> call("CALL mnemo.project.state.set('no-such-project-z', 'fact', 'k', 'v')", Map.of()))
                .hasMessageContaining("not_found");
        assertThatThrownBy(() ->
                        call("CALL mnemo.project.state.set($p, 'fact', 'k', 'v', {confidence: 2})", Map.of("p", id)))
                .hasMessageContaining("'confidence' must be 0.0..1.0");
        assertThat(call(
                                "MATCH (s:ProjectState) WHERE s.project IN [$p, 'no-such-project-z'] RETURN count(s) AS n",
                                Map.of("p", id))
                        .get(0)
                        .get("n"))
                .isEqualTo(0L);
    }
}
