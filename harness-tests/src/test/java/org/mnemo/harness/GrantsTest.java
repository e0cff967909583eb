package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mnemo.harness.TestDatabase.call;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The grant model in the database: who holds which workspace and with what role, who may maintain the tree, and
 * what memory procedures allow a principal to do — checked in the procedure's own transaction.
 */
@SuppressWarnings("unchecked")
class GrantsTest {

    private static void principal(String id, String role, List<String> capabilities) {
        call(
                "CREATE (:Principal {id: $id, role: $role, active: true, capabilities: $caps})",
                Map.of("id", id, "role", role, "caps", capabilities));
    }

    private static Map<String, Object> as(String principal) {
        return Map.of("as", principal);
    }

    private static String role(String principal, String workspace) {
        return (String) call("CALL mnemo.access.role($p, $w)", Map.of("p", principal, "w", workspace))
                .get(0)
                .get("role");
    }

    private static Map<String, Object> grant(String principal, String maxRole) {
        Map<String, Object> options = new HashMap<>();
        options.put("principal", principal);
        if (maxRole != null) {
            options.put("max_role", maxRole);
        }
        return options;
    }

    @Test
    void servicesManageWhatTheyCreateAndNothingElse() {
        String daedalus = TestDatabase.unique("daedalus");
        String molecule = TestDatabase.unique("molecule");
        String user = TestDatabase.unique("user");
        principal(daedalus, "service", List.of("manage_workspaces"));
        principal(molecule, "service", List.of("manage_workspaces"));
        principal(user, "user", List.of());
        String ws = TestDatabase.unique("ws");

        Map<String, Object> created = call(
                        "CALL mnemo.workspace.upsert($id, {name: 'D'}, $o)", Map.of("id", ws, "o", as(daedalus)))
                .get(0);
        assertThat(created.get("manager")).isEqualTo(daedalus);
        call(
                "CALL mnemo.workspace.upsert($id, {parent_id: $p}, $o)",
                Map.of("id", ws + "-child", "p", ws, "o", as(daedalus)));
        assertThat(role(daedalus, ws + "-child")).isEqualTo("owner");
        assertThat(role(molecule, ws)).isNull();

        // Another service: not_found for what it does not manage — the same as for what does not exist.
        for (String cypher : List.of(
                "CALL mnemo.workspace.upsert($id, {name: 'mine now'}, $o)",
                "CALL mnemo.workspace.delete($id, $o)",
                "CALL mnemo.workspace.get($id, $o)",
                "CALL mnemo.workspace.members($id, $o)")) {
            assertThatThrownBy(() -> call(cypher, Map.of("id", ws, "o", as(molecule))))
                    .hasMessageContaining("not_found");
        }
        assertThatThrownBy(() -> call(
                        "CALL mnemo.workspace.upsert($id, {parent_id: $p}, $o)",
                        Map.of("id", TestDatabase.unique("graft"), "p", ws, "o", as(molecule))))
                .hasMessageContaining("not_found");
        assertThatThrownBy(() -> call(
                        "CALL mnemo.workspace.upsert($id, {parent_id: $p}, $o)",
                        Map.of("id", ws + "-child", "p", TestDatabase.unique("theirs"), "o", as(molecule))))
                .hasMessageContaining("not_found");
        // A user maintains no workspace at all, whatever the id; only the admin reaches across trees.
        assertThatThrownBy(() -> call(
                        "CALL mnemo.workspace.upsert($id, {}, $o)",
                        Map.of("id", TestDatabase.unique("squat"), "o", as(user))))
                .hasMessageContaining("capability_required");
        assertThatThrownBy(() -> call(
                        "CALL mnemo.workspace.upsert($id, {custom_namespaces: ['custom:x']}, $o)",
                        Map.of("id", ws, "o", as(daedalus))))
                .hasMessageContaining("capability_required");
        assertThat(call("MATCH (w:Workspace {id: $id}) RETURN w.name AS name", Map.of("id", ws))
                        .get(0)
                        .get("name"))
                .isEqualTo("D");
    }

    @Test
    void membershipsGrantRolesThatAreCheckedLive() {
        String service = TestDatabase.unique("svc");
        String ann = TestDatabase.unique("ann");
        String bob = TestDatabase.unique("bob");
        principal(service, "service", List.of("manage_workspaces"));
        principal(ann, "user", List.of());
        principal(bob, "user", List.of());
        String root = TestDatabase.unique("root");
        call("CALL mnemo.workspace.upsert($id, {}, $o)", Map.of("id", root, "o", as(service)));
        call(
                "CALL mnemo.workspace.upsert($id, {parent_id: $p}, $o)",
                Map.of("id", root + "-leaf", "p", root, "o", as(service)));
        call(
                "CALL mnemo.workspace.grant($id, $p, 'writer', $o)",
                Map.of("id", root + "-leaf", "p", ann, "o", as(service)));
        call(
                "CALL mnemo.workspace.grant($id, $p, 'reader', $o)",
                Map.of("id", root + "-leaf", "p", bob, "o", as(service)));
        // A service's grant to principals it does not manage waits for their consent.
        assertThat(role(ann, root + "-leaf")).isNull();
        assertThat(call("CALL mnemo.membership.list($p)", Map.of("p", ann)))
                .extracting(r -> r.get("status"))
                .containsExactly("pending");
        for (String member : List.of(ann, bob)) {
            call("CALL mnemo.membership.accept($p, $w)", Map.of("p", member, "w", root + "-leaf"));
        }
        assertThat(role(ann, root + "-leaf")).isEqualTo("writer");
        assertThat(role(ann, root))
                .as("memberships do not extend up or down the tree")
                .isNull();
        assertThat(call("CALL mnemo.workspace.members($id, $o)", Map.of("id", root + "-leaf", "o", as(service))))
                .extracting(r -> r.get("principal") + "=" + r.get("role") + "/" + r.get("status"))
                .containsExactlyInAnyOrder(ann + "=writer/active", bob + "=reader/active");
        // A principal the service manages joins at once.
        String own = TestDatabase.unique("own");
        call(
                "CREATE (:Principal {id: $id, role: 'user', active: true, managed_by: $svc})",
                Map.of("id", own, "svc", service));
        assertThat(call(
                                "CALL mnemo.workspace.grant($id, $p, 'reader', $o)",
                                Map.of("id", root, "p", own, "o", as(service)))
                        .get(0)
                        .get("status"))
                .isEqualTo("active");
        assertThatThrownBy(() -> call("CALL mnemo.workspace.grant($id, 'admin', 'owner', {})", Map.of("id", root)))
                .hasMessageContaining("not_found");
        assertThatThrownBy(() -> call("CALL mnemo.workspace.grant($id, $p, 'boss', {})", Map.of("id", root, "p", ann)))
                .hasMessageContaining("'role'");

        Map<String, Object> commit = Map.of("content", "Ann's leaf note about the harbour crane schedule.");
        Map<String, Object> stored = call(
                        "CALL mnemo.memory.commit($ws, $m, $o)",
                        Map.of("ws", root + "-leaf", "m", commit, "o", grant(ann, null)))
                .get(0);
        assertThat(stored.get("created")).isEqualTo(true);
        // A reader reads and writes nothing; someone with no role is refused the same whether it exists or not.
        assertThatThrownBy(() -> call(
                        "CALL mnemo.memory.commit($ws, $m, $o)",
                        Map.of("ws", root + "-leaf", "m", commit, "o", grant(bob, null))))
                .hasMessageContaining("namespace_forbidden");
        assertThat(call(
                        "CALL mnemo.memory.search($ws, 'harbour crane', $o)",
                        Map.of("ws", root + "-leaf", "o", grant(bob, null))))
                .extracting(r -> r.get("id"))
                .contains(stored.get("id"));
        for (String ws : List.of(root, TestDatabase.unique("nowhere"))) {
            assertThatThrownBy(() -> call(
                            "CALL mnemo.memory.search($ws, 'harbour crane', $o)",
                            Map.of("ws", ws, "o", grant(ann, null))))
                    .hasMessageContaining("workspace_forbidden");
        }
        // max_role caps a role: a writer's team acting as reader cannot write.
        assertThatThrownBy(() -> call(
                        "CALL mnemo.memory.commit($ws, $m, $o)",
                        Map.of("ws", root + "-leaf", "m", commit, "o", grant(ann, "reader"))))
                .hasMessageContaining("namespace_forbidden");

        call("CALL mnemo.workspace.revoke($id, $p, $o)", Map.of("id", root + "-leaf", "p", ann, "o", as(service)));
        assertThatThrownBy(() -> call(
                        "CALL mnemo.memory.search($ws, 'harbour crane', $o)",
                        Map.of("ws", root + "-leaf", "o", grant(ann, null))))
                .hasMessageContaining("workspace_forbidden");
        // A deactivated service holds nothing.
        call("MATCH (p:Principal {id: $id}) SET p.active = false", Map.of("id", service));
        assertThat(role(service, root)).isNull();
    }

    @Test
    void destroyingSharedMemoryNeedsTheOwnerOfTheTreesRoot() {
        String ann = TestDatabase.unique("ann");
        String olga = TestDatabase.unique("olga");
        principal(ann, "user", List.of());
        principal(olga, "user", List.of());
        String root = TestDatabase.unique("root");
        call("CALL mnemo.workspace.upsert($id, {})", Map.of("id", root));
        call("CALL mnemo.workspace.upsert($id, {parent_id: $p})", Map.of("id", root + "-leaf", "p", root));
        call("CALL mnemo.workspace.grant($id, $p, 'owner')", Map.of("id", root + "-leaf", "p", ann));
        call("CALL mnemo.workspace.grant($id, $p, 'owner')", Map.of("id", root, "p", olga));
        String team = "team:" + root;
        String id = (String) call(
                        "CALL mnemo.memory.commit($ws, {content: 'Shared: the crane is serviced in May.', "
                                + "namespace: $ns}, $o)",
                        Map.of("ws", root + "-leaf", "ns", team, "o", grant(ann, null)))
                .get(0)
                .get("id");
        // The owner of a leaf writes the tree's team namespace but does not govern it.
        assertThatThrownBy(() -> call(
                        "CALL mnemo.memory.forget($ws, $id, $o)",
                        Map.of("ws", root + "-leaf", "id", id, "o", grant(ann, null))))
                .hasMessageContaining("owner_required");
        assertThatThrownBy(() -> call(
                        "CALL mnemo.memory.purge($ns, $o)",
                        Map.of("ns", team, "o", Map.of("workspace_id", root + "-leaf", "principal", ann))))
                .hasMessageContaining("owner_required");
        // Its private namespace is its own: forget as writer, purge as owner.
        String mine = (String) call(
                        "CALL mnemo.memory.commit($ws, {content: 'Private: Ann parks at gate 4.'}, $o)",
                        Map.of("ws", root + "-leaf", "o", grant(ann, null)))
                .get(0)
                .get("id");
        assertThat(call(
                                "CALL mnemo.memory.forget($ws, $id, $o)",
                                Map.of("ws", root + "-leaf", "id", mine, "o", grant(ann, "writer")))
                        .get(0)
                        .get("forgotten"))
                .isEqualTo(true);
        // The root's owner governs what the tree shares; each act leaves an audit record with a hash, no content.
        assertThat(call("CALL mnemo.memory.forget($ws, $id, $o)", Map.of("ws", root, "id", id, "o", grant(olga, null)))
                        .get(0)
                        .get("forgotten"))
                .isEqualTo(true);
        assertThat(call(
                                "CALL mnemo.memory.purge($ns, $o)",
                                Map.of("ns", team, "o", Map.of("workspace_id", root, "principal", olga)))
                        .get(0)
                        .get("memories"))
                .isEqualTo(1L);
        List<Map<String, Object>> audit = call("""
                MATCH (a:MemoryAudit) WHERE a.namespace = $ns RETURN a.action AS action, a.actor AS actor,
                       a.content_sha256 AS hash, keys(a) AS keys ORDER BY a.at""", Map.of("ns", team));
        assertThat(audit)
                .extracting(r -> r.get("action") + ":" + r.get("actor"))
                .containsExactly("forget:" + olga, "purge:" + olga);
        assertThat(audit).allSatisfy(r -> {
            assertThat((String) r.get("hash")).hasSize(64);
            assertThat((List<String>) r.get("keys")).doesNotContain("content");
        });
    }

    @Test
    void tokensDerivedFromARevokedTokenFailWithIt() {
        String owner = TestDatabase.unique("owner");
        String parent = "a".repeat(63) + "1";
        String child = "a".repeat(63) + "2";
        principal(owner, "user", List.of());
        call("""
                CREATE (:ApiToken {id: $o + '-p', hash: $parent, owner: $o, active: true, allowed_libraries: ['*'],
                                   allowed_tools: [], workspace_ids: []})
                CREATE (:ApiToken {id: $o + '-c', hash: $child, owner: $o, active: true, allowed_libraries: ['*'],
                                   allowed_tools: ['search'], workspace_ids: [], parent_id: $o + '-p'})""", Map.of("o", owner, "parent", parent, "child", child));
        Map<String, Object> ok = call("CALL mnemo.access.resolve({kind: 'token', hash: $h})", Map.of("h", child))
                .get(0);
        assertThat(ok.get("status")).isEqualTo("ok");
        assertThat(ok.get("restricted")).isEqualTo(true);
        call("MATCH (t:ApiToken {id: $id}) SET t.active = false", Map.of("id", owner + "-p"));
        assertThat(call("CALL mnemo.access.resolve({kind: 'token', hash: $h})", Map.of("h", child))
                        .get(0)
                        .get("status"))
                .isEqualTo("token_revoked");
    }
}
