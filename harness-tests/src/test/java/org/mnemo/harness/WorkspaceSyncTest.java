package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mnemo.harness.TestDatabase.call;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** mnemo.workspace.sync: a platform's tree in one transaction, parents first, all or nothing, within what it manages. */
class WorkspaceSyncTest {

    private static Map<String, Object> entry(String id, String parent) {
        Map<String, Object> entry = new HashMap<>();
        entry.put("id", id);
        entry.put("parent_id", parent);
        return entry;
    }

    private static String parent(String id) {
        return (String) call("MATCH (w:Workspace {id: $id}) RETURN w.parent_id AS p", Map.of("id", id))
                .get(0)
                .get("p");
    }

    @Test
    void aServiceMirrorsItsTreeInAnyOrderAndNothingBeyondIt() {
        String svc = TestDatabase.unique("sync-svc");
        String other = TestDatabase.unique("sync-other");
        call("""
                CREATE (:Principal {id: $svc, role: 'service', active: true, capabilities: ['manage_workspaces']})
                CREATE (:Principal {id: $other, role: 'service', active: true, capabilities: ['manage_workspaces']})""", Map.of("svc", svc, "other", other));
        String root = TestDatabase.unique("sync-root");
        String team = TestDatabase.unique("sync-team");
        String leaf = TestDatabase.unique("sync-leaf");
        // Children before their parents: the procedure writes parents first.
        List<Map<String, Object>> rows = call(
                "CALL mnemo.workspace.sync($w, {as: $svc})",
                Map.of("w", List.of(entry(leaf, team), entry(team, root), entry(root, null)), "svc", svc));
        assertThat(rows).extracting(r -> r.get("id")).containsExactly(root, team, leaf);
        assertThat(rows.get(0).get("manager")).isEqualTo(svc);
        assertThat(parent(leaf)).isEqualTo(team);
        assertThat(call("CALL mnemo.namespace.resolve($id)", Map.of("id", leaf))
                        .get(0)
                        .get("root_id"))
                .isEqualTo(root);

        // Another service cannot graft onto it or move it, and a refused entry writes nothing of the batch.
        String fresh = TestDatabase.unique("sync-fresh");
        assertThatThrownBy(() -> call(
                        "CALL mnemo.workspace.sync($w, {as: $other})",
                        Map.of("w", List.of(entry(fresh, null), entry(leaf, null)), "other", other)))
                .hasMessageContaining("not_found");
        assertThat(call("MATCH (w:Workspace {id: $id}) RETURN count(w) AS n", Map.of("id", fresh))
                        .get(0)
                        .get("n"))
                .isEqualTo(0L);
        assertThat(parent(leaf)).isEqualTo(team);
        // A cycle is refused whole.
        assertThatThrownBy(() -> call(
                        "CALL mnemo.workspace.sync($w, {as: $svc})",
                        Map.of("w", List.of(entry(root, leaf)), "svc", svc)))
                .hasMessageContaining("workspace_tree_cycle");
        assertThat(parent(root)).isNull();
        // So is a cycle among new workspaces of one batch, and an id named twice.
        String a = TestDatabase.unique("sync-a");
        String b = TestDatabase.unique("sync-b");
        assertThatThrownBy(() -> call(
                        "CALL mnemo.workspace.sync($w, {as: $svc})",
                        Map.of("w", List.of(entry(a, b), entry(b, a)), "svc", svc)))
                .hasMessageContaining("workspace_tree_cycle");
        assertThatThrownBy(() -> call(
                        "CALL mnemo.workspace.sync($w, {as: $svc})",
                        Map.of("w", List.of(entry(a, root), entry(a, team)), "svc", svc)))
                .hasMessageContaining("twice");
        assertThat(call("MATCH (w:Workspace) WHERE w.id IN [$a, $b] RETURN count(w) AS n", Map.of("a", a, "b", b))
                        .get(0)
                        .get("n"))
                .isEqualTo(0L);
    }
}
