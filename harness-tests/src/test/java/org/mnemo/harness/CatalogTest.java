package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mnemo.harness.TestDatabase.call;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Libraries, library types, collections and items. */
class CatalogTest {

    @Test
    void nineLibraryTypesWithTheirSettings() {
        var types = call("CALL mnemo.library.types()", Map.of());
        assertThat(types)
                .extracting(r -> r.get("name"))
                .containsExactly(
                        "fiction", "nonfiction", "technical", "music", "film", "art", "journal", "business", "finance");
        assertThat(types).allSatisfy(r -> {
            assertThat((long) r.get("chunk_size")).isBetween(300L, 800L);
            assertThat((String) r.get("embedding_instruction")).isNotBlank();
            assertThat((String) r.get("reranker_instruction")).isNotBlank();
            assertThat((String) r.get("vision_prompt")).isNotBlank();
            assertThat((String) r.get("context_prompt")).isNotBlank();
        });
        String lib = TestDatabase.library(TestDatabase.unique("typed"), "film");
        var node = call(
                "MATCH (:Library {uid: $uid})-[:OF_TYPE]->(t:LibraryType) RETURN t.name AS name, "
                        + "t.chunk_strategy AS strategy",
                Map.of("uid", lib));
        assertThat(node)
                .singleElement()
                .satisfies(r -> assertThat(r.get("name")).isEqualTo("film"));
    }

    @Test
    void creationIsIdempotentAndConflictsCarryStableCodes() {
        String name = TestDatabase.unique("lib");
        var first = call(
                        "CALL mnemo.library.create($n, 'finance', {owner: 'ann', workspace_id: $ws})",
                        Map.of("n", name, "ws", name + "-ws"))
                .get(0);
        var again = call(
                        "CALL mnemo.library.create($n, 'finance', {owner: 'ann', workspace_id: $ws})",
                        Map.of("n", name, "ws", name + "-ws"))
                .get(0);
        assertThat(first.get("created")).isEqualTo(true);
        assertThat(again.get("created")).isEqualTo(false);
        assertThat(again.get("uid")).isEqualTo(first.get("uid"));

        assertThatThrownBy(() -> call("CALL mnemo.library.create($n, 'finance', {owner: 'bob'})", Map.of("n", name)))
                .hasMessageContaining("name_conflict:");
        assertThatThrownBy(() -> call(
                        "CALL mnemo.library.create('other', 'finance', {owner: 'bob', workspace_id: $ws})",
                        Map.of("ws", name + "-ws")))
                .hasMessageContaining("owner_conflict:");
        assertThatThrownBy(() -> call(
                        "CALL mnemo.library.create($n, 'music', {owner: 'ann', workspace_id: $ws})",
                        Map.of("n", name, "ws", name + "-ws")))
                .hasMessageContaining("library_type_immutable:");
        assertThatThrownBy(() ->
                        call("CALL mnemo.library.update($uid, {library_type: 'art'})", Map.of("uid", first.get("uid"))))
                .hasMessageContaining("library_type_immutable:");
        assertThatThrownBy(() -> call("CALL mnemo.library.create($n, 'poetry')", Map.of("n", TestDatabase.unique("p"))))
                .hasMessageContaining("'library_type' must be one of [fiction, nonfiction");
        assertThatThrownBy(() -> call("CALL mnemo.library.create('', 'art')", Map.of()))
                .hasMessageContaining("'name' must be 1..200 characters");

        var renamed = call(
                        "CALL mnemo.library.update($uid, {name: $n, description: 'money'})",
                        Map.of("uid", first.get("uid"), "n", name + "-renamed"))
                .get(0);
        assertThat(renamed.get("name")).isEqualTo(name + "-renamed");
        assertThat(renamed.get("description")).isEqualTo("money");
    }

    @Test
    void listingsArePaginatedAndScoped() {
        String a = TestDatabase.library(TestDatabase.unique("list-a"), "art");
        String b = TestDatabase.library(TestDatabase.unique("list-b"), "art");
        call("CALL mnemo.collection.create($lib, 'Sketches', {description: 'pencil'})", Map.of("lib", a));
        for (int i = 0; i < 3; i++) {
            call(
                    "CALL mnemo.ingest($lib, $text, {title: $title, collection: 'Sketches'})",
                    Map.of("lib", a, "text", "Sketch number " + i + " shows a lighthouse at dusk.", "title", "s" + i));
        }
        call("CALL mnemo.ingest($lib, 'A portrait in oil of a fisherman.', {title: 'p'})", Map.of("lib", b));

        var onlyA = call("CALL mnemo.library.list([$a])", Map.of("a", a));
        assertThat(onlyA).singleElement().satisfies(r -> {
            assertThat(r.get("uid")).isEqualTo(a);
            assertThat(r.get("item_count")).isEqualTo(3L);
            assertThat(r.get("chunk_count")).isEqualTo(3L);
        });
        assertThat(call("CALL mnemo.library.list([])", Map.of())).isEmpty();
        assertThat(call("CALL mnemo.library.get($b, [$a])", Map.of("a", a, "b", b)))
                .isEmpty();

        var collections = call("CALL mnemo.collection.list([$a, $b])", Map.of("a", a, "b", b));
        assertThat(collections).extracting(r -> r.get("name")).containsExactlyInAnyOrder("Sketches", "default");
        var page1 = call("CALL mnemo.item.list([$a], {limit: 2})", Map.of("a", a));
        var page2 = call("CALL mnemo.item.list([$a], {limit: 2, offset: 2})", Map.of("a", a));
        assertThat(page1).hasSize(2);
        assertThat(page2).hasSize(1);
        assertThat(page1)
                .extracting(r -> r.get("uid"))
                .doesNotContainAnyElementsOf(
                        page2.stream().map(r -> r.get("uid")).toList());
        assertThat(page1).allSatisfy(r -> assertThat(r.get("embedding_status")).isEqualTo("completed"));
        assertThatThrownBy(() -> call("CALL mnemo.item.list([$a], {limit: 500})", Map.of("a", a)))
                .hasMessageContaining("'limit' must be 1..200, got 500");
        String item = (String) page2.get(0).get("uid");
        assertThat(call("CALL mnemo.item.get($i, [$a])", Map.of("i", item, "a", a)))
                .hasSize(1);
        assertThat(call("CALL mnemo.item.get($i, [$b])", Map.of("i", item, "b", b)))
                .isEmpty();
        assertThatThrownBy(() -> call("CALL mnemo.item.list(null)", Map.of()))
                .hasMessageContaining("'libraries' is required");
    }

    @Test
    void chunksHaveContextAndAreScoped() {
        String lib = TestDatabase.library(TestDatabase.unique("ctx"), "journal");
        String text = String.join(
                "\n\n",
                List.of(
                        "Monday. The ferry to the island was cancelled because of the storm.",
                        "Tuesday. We finally crossed and walked along the cliffs to the old lighthouse.",
                        "Wednesday. Rain all day; I read about the history of the lighthouse keepers."));
        var item = call(
                        "CALL mnemo.ingest($lib, $text, {title: 'Trip'}, {chunk_size: 80, chunk_overlap: 0, chunk_strategy: 'paragraph'})",
                        Map.of("lib", lib, "text", text))
                .get(0);
        assertThat(item.get("chunk_count")).isEqualTo(3L);
        String middle = (String) call(
                        "MATCH (:Item {uid: $i})-[:HAS_CHUNK]->(c {chunk_index: 1}) RETURN c.uid AS uid",
                        Map.of("i", item.get("item_uid")))
                .get(0)
                .get("uid");
        var chunk = call("CALL mnemo.chunk.get($c, [$lib])", Map.of("c", middle, "lib", lib))
                .get(0);
        assertThat((String) chunk.get("text")).startsWith("Tuesday.");
        assertThat(chunk.get("item_title")).isEqualTo("Trip");
        assertThat(chunk.get("library_type")).isEqualTo("journal");
        assertThat(chunk.get("previous_uid")).isNotNull();
        assertThat(call("CALL mnemo.chunk.get($c, ['someone-else'])", Map.of("c", middle)))
                .isEmpty();

        var context =
                call("CALL mnemo.chunk.context($c, [$lib], {before: 5, after: 5})", Map.of("c", middle, "lib", lib));
        assertThat(context).extracting(r -> r.get("offset")).containsExactly(-1L, 0L, 1L);
        assertThat((String) context.get(2).get("text")).startsWith("Wednesday.");
    }
}
