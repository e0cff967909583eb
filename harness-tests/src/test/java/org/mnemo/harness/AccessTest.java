package org.mnemo.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mnemo.harness.TestDatabase.call;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** mnemo.access.resolve: credentials to readable libraries, computed live from the graph. */
@SuppressWarnings("unchecked")
class AccessTest {
    private static final String HASH_A = "a".repeat(64);

    private static Map<String, Object> resolve(Map<String, Object> credential) {
        return call("CALL mnemo.access.resolve($c)", Map.of("c", credential)).get(0);
    }

    @Test
    void thePluginsTrustedModeNeedsAnActiveServiceWithTrustedNamespaces() {
        String trusted = TestDatabase.unique("plugin-svc");
        String plain = TestDatabase.unique("plain-svc");
        String user = TestDatabase.unique("plugin-user");
        call("""
                CREATE (:Principal {id: $trusted, role: 'service', active: true,
                                    capabilities: ['manage_workspaces', 'trusted_namespaces']})
                CREATE (:Principal {id: $plain, role: 'service', active: true, capabilities: ['manage_workspaces']})
                CREATE (:Principal {id: $user, role: 'user', active: true, capabilities: ['trusted_namespaces']})""", Map.of("trusted", trusted, "plain", plain, "user", user));
        Map<String, Object> ok = resolve(Map.of("kind", "plugin", "service", trusted));
        assertThat(ok.get("status")).isEqualTo("ok");
        assertThat(ok.get("owner")).isEqualTo(trusted);
        assertThat((List<Object>) ok.get("libraries")).isEmpty();
        assertThat((List<Object>) ok.get("workspaces")).containsExactly("*");
        assertThat((List<Object>) ok.get("allowed_tools"))
                .containsExactlyInAnyOrder(
                        "list_readable_namespaces",
                        "list_writable_namespaces",
                        "commit_memory_v2",
                        "search_memory",
                        "forget_memory");
        assertThat(ok.get("restricted")).isEqualTo(true);
        assertThat(resolve(Map.of("kind", "plugin", "service", plain)).get("status"))
                .isEqualTo("plugin_not_trusted");
        assertThat(resolve(Map.of("kind", "plugin", "service", user)).get("status"))
                .isEqualTo("plugin_not_trusted");
        assertThat(resolve(Map.of("kind", "plugin", "service", "admin")).get("status"))
                .isIn("plugin_not_trusted", "principal_inactive");
        assertThat(resolve(Map.of("kind", "plugin", "service", TestDatabase.unique("nobody")))
                        .get("status"))
                .isEqualTo("principal_inactive");
        call("MATCH (p:Principal {id: $id}) SET p.active = false", Map.of("id", trusted));
        assertThat(resolve(Map.of("kind", "plugin", "service", trusted)).get("status"))
                .isEqualTo("principal_inactive");
    }

    @Test
    void tokensReadTheirAllowListWithinTheirOwnersLibraries() {
        String owner = TestDatabase.unique("owner");
        String other = TestDatabase.unique("other");
        String mine = uid(call(
                "CALL mnemo.library.create($n, 'fiction', {owner: $o})",
                Map.of("n", TestDatabase.unique("mine"), "o", owner)));
        String theirs = uid(call(
                "CALL mnemo.library.create($n, 'fiction', {owner: $o})",
                Map.of("n", TestDatabase.unique("theirs"), "o", other)));
        String hashAll = hex(owner, 0);
        call(
                """
                CREATE (:Principal {id: $owner, role: 'user', active: true})
                CREATE (:ApiToken {id: $owner + '-all', hash: $all, owner: $owner, active: true,
                                   allowed_libraries: ['*'], allowed_tools: ['search']})
                CREATE (:ApiToken {id: $owner + '-list', hash: $list, owner: $owner, active: true,
                                   allowed_libraries: [$mine, $theirs], allowed_tools: []})
                CREATE (:ApiToken {id: $owner + '-none', hash: $none, owner: $owner, active: true,
                                   allowed_libraries: [], allowed_tools: []})
                CREATE (:ApiToken {id: $owner + '-off', hash: $off, owner: $owner, active: false,
                                   allowed_libraries: ['*']})
                CREATE (:ApiToken {id: $owner + '-old', hash: $old, owner: $owner, active: true,
                                   allowed_libraries: ['*'], expires_at: datetime() - duration('PT1M')})""",
                Map.of(
                        "owner",
                        owner,
                        "all",
                        hashAll,
                        "list",
                        hex(owner, 1),
                        "none",
                        hex(owner, 2),
                        "off",
                        hex(owner, 3),
                        "old",
                        hex(owner, 4),
                        "mine",
                        mine,
                        "theirs",
                        theirs));

        Map<String, Object> all = resolve(Map.of("kind", "token", "hash", hashAll));
        assertThat(all.get("status")).isEqualTo("ok");
        assertThat(all.get("principal")).isEqualTo(owner);
        assertThat((List<Object>) all.get("libraries")).containsExactly(mine);
        assertThat((List<Object>) all.get("allowed_tools")).containsExactly("search");
        // Resolution only reads (any cluster member can serve it): the gateway records last use in batches.
        assertThat(call("MATCH (t:ApiToken {hash: $h}) RETURN t.last_used_at IS NULL AS unused", Map.of("h", hashAll))
                        .get(0)
                        .get("unused"))
                .isEqualTo(true);

        assertThat((List<Object>)
                        resolve(Map.of("kind", "token", "hash", hex(owner, 1))).get("libraries"))
                .containsExactly(mine);
        assertThat((List<Object>)
                        resolve(Map.of("kind", "token", "hash", hex(owner, 2))).get("libraries"))
                .isEmpty();
        assertThat(resolve(Map.of("kind", "token", "hash", hex(owner, 3))).get("status"))
                .isEqualTo("token_revoked");
        assertThat(resolve(Map.of("kind", "token", "hash", hex(owner, 4))).get("status"))
                .isEqualTo("token_expired");
        assertThat(resolve(Map.of("kind", "token", "hash", HASH_A)).get("status"))
                .isEqualTo("token_unknown");
    }

    @Test
    void teamsNeedToBeActiveWithTheCurrentJtiAndReadTheirOwnersAssignedWorkspaces() {
        String owner = TestDatabase.unique("teamowner");
        String ws = TestDatabase.unique("ws");
        String foreignWs = TestDatabase.unique("ws");
        String lib = uid(call(
                "CALL mnemo.library.create($n, 'journal', {owner: $o, workspace_id: $ws})",
                Map.of("n", ws, "o", owner, "ws", ws)));
        call(
                "CALL mnemo.library.create($n, 'journal', {owner: 'someone-else', workspace_id: $ws})",
                Map.of("n", foreignWs, "ws", foreignWs));
        String team = TestDatabase.unique("team");
        // The owner holds ws (a membership); the foreign workspace is someone else's.
        call("""
                CREATE (p:Principal {id: $owner, role: 'user', active: true})
                CREATE (p)-[:MEMBER_OF {role: 'reader'}]->(:Workspace {id: $ws})
                CREATE (:Workspace {id: $foreign})
                CREATE (:Team {id: $team, owner: $owner, active: true, active_jti: 'j2', workspace_ids: [$ws, $foreign]})""", Map.of("owner", owner, "team", team, "ws", ws, "foreign", foreignWs));

        Map<String, Object> ok = resolve(Map.of("kind", "team", "team_id", team, "jti", "j2"));
        assertThat(ok.get("status")).isEqualTo("ok");
        assertThat((List<Object>) ok.get("libraries")).containsExactly(lib);
        assertThat((List<Object>) ok.get("workspaces")).containsExactly(ws);
        assertThat(ok.get("max_role")).isEqualTo("writer");
        assertThat(resolve(Map.of("kind", "team", "team_id", team, "jti", "j1")).get("status"))
                .isEqualTo("token_stale_jti");
        call("MATCH (t:Team {id: $team}) SET t.workspace_ids = []", Map.of("team", team));
        assertThat((List<Object>) resolve(Map.of("kind", "team", "team_id", team, "jti", "j2"))
                        .get("libraries"))
                .isEmpty();
        call("MATCH (t:Team {id: $team}) SET t.active = false", Map.of("team", team));
        assertThat(resolve(Map.of("kind", "team", "team_id", team, "jti", "j2")).get("status"))
                .isEqualTo("team_inactive");
        assertThat(resolve(Map.of("kind", "team", "team_id", "nope", "jti", "j2"))
                        .get("status"))
                .isEqualTo("team_unknown");
    }

    @Test
    void turnsReadTheLibrariesTheirLibsNameAmongTheirServiceAccountsOwn() {
        String service = TestDatabase.unique("svc");
        String ws = TestDatabase.unique("turnws");
        call("""
                CREATE (:Principal {id: $svc, role: 'service', active: true, capabilities: ['manage_workspaces']})
                CREATE (:Workspace {id: $ws, manager: $svc})""", Map.of("svc", service, "ws", ws));
        String byWorkspace = uid(call(
                "CALL mnemo.library.create($n, 'art', {workspace_id: $ws, owner: $svc})",
                Map.of("n", ws, "ws", ws, "svc", service)));
        String byUid = uid(call(
                "CALL mnemo.library.create($n, 'art', {owner: $svc})",
                Map.of("n", TestDatabase.unique("turnlib"), "svc", service)));
        String foreign = TestDatabase.library(TestDatabase.unique("foreign"), "art");
        Map<String, Object> turn = resolve(Map.of(
                "kind",
                "turn",
                "subject",
                "agent",
                "service",
                service,
                "libs",
                List.of(ws, byUid, foreign, "unknown"),
                "workspaces",
                List.of(ws, "elsewhere")));
        assertThat((List<Object>) turn.get("libraries")).containsExactlyInAnyOrder(byWorkspace, byUid);
        assertThat((List<Object>) turn.get("workspaces")).containsExactly(ws);
        assertThat(resolve(Map.of(
                                "kind", "turn", "subject", "agent", "service", "no-such-service", "libs", List.of(ws)))
                        .get("status"))
                .isEqualTo("principal_inactive");
    }

    @Test
    void badCredentialsNameTheArgument() {
        assertThatThrownBy(() -> resolve(Map.of("kind", "token", "hash", "xyz")))
                .hasMessageContaining("'hash'");
        assertThatThrownBy(() -> resolve(Map.of("kind", "password"))).hasMessageContaining("'kind'");
        assertThatThrownBy(() -> resolve(Map.of("kind", "team"))).hasMessageContaining("'team_id'");
        assertThatThrownBy(() -> resolve(Map.of("kind", "turn", "libs", "all", "service", "svc")))
                .hasMessageContaining("'libs'");
        assertThatThrownBy(() -> resolve(Map.of("kind", "turn", "libs", List.of())))
                .hasMessageContaining("'service'");
    }

    private static String uid(List<Map<String, Object>> rows) {
        return (String) rows.get(0).get("uid");
    }

    private static String hex(String seed, int n) {
        return String.format("%064x", new java.math.BigInteger(1, (seed + n).getBytes()))
                .substring(0, 64);
    }
}
