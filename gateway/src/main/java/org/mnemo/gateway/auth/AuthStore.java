package org.mnemo.gateway.auth;

import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.MnemoClient.Mode;

/**
 * Principals, tokens, teams and signing keys in the graph (docs/auth.md shows the model). Fixed Cypher with
 * parameters; ownership decisions are made by the callers of these methods.
 */
public final class AuthStore {
    static final String BOOTSTRAP_TOKEN_ID = "admin-bootstrap";
    /** Token fields a listing shows: never the hash. */
    private static final String TOKEN_FIELDS = "t{.id, .name, .prefix, .owner, .active, .created_at, .expires_at, "
            + ".last_used_at, .allowed_libraries, .allowed_tools, workspace_ids: coalesce(t.workspace_ids, [])}";
    // ON CREATE marks the node so that the same statement can tell "created" from "already there".
    private static final String CREATED = "WITH %1$s, coalesce(%1$s.fresh, false) AS created REMOVE %1$s.fresh ";

    /** A node that was looked for and created unless it existed. */
    public record Upsert(Map<String, Object> value, boolean created) {
        static Upsert of(Map<String, Object> row, String key) {
            return new Upsert(castMap(row.get(key)), Boolean.TRUE.equals(row.get("created")));
        }
    }

    private final MnemoClient client;

    public AuthStore(MnemoClient client) {
        this.client = client;
    }

    // ---- principals

    /** Creates the admin principal if missing; installs or replaces the bootstrap admin token when given. */
    public void ensureAdmin(String tokenHash, String prefix) {
        client.rows(Mode.WRITE, """
                MERGE (p:Principal {id: 'admin'})
                ON CREATE SET p.name = 'Administrator', p.role = 'admin', p.active = true, p.created_at = datetime()
                """, Map.of());
        if (tokenHash != null) {
            client.rows(Mode.WRITE, """
                    MERGE (t:ApiToken {id: $id})
                    ON CREATE SET t.created_at = datetime()
                    SET t.hash = $hash, t.prefix = $prefix, t.name = 'bootstrap admin token', t.owner = 'admin',
                        t.active = true, t.allowed_libraries = ['*'], t.allowed_tools = []
                    """, Map.of("id", BOOTSTRAP_TOKEN_ID, "hash", tokenHash, "prefix", prefix));
        }
    }

    public boolean hasBootstrapToken() {
        return client.row(Mode.READ, "MATCH (t:ApiToken {id: $id}) RETURN t.id AS id",
                Map.of("id", BOOTSTRAP_TOKEN_ID)) != null;
    }

    /** Creates a user; returns the principal and whether it was created (false: the id was taken). */
    public Upsert createUser(String id, String name) {
        return Upsert.of(client.row(Mode.WRITE, """
                MERGE (p:Principal {id: $id})
                ON CREATE SET p.name = $name, p.role = 'user', p.active = true, p.created_at = datetime(), p.fresh = true
                """ + CREATED.formatted("p") + "RETURN p{.id, .name, .role, .active, .created_at} AS principal, created",
                Map.of("id", id, "name", name)), "principal");
    }

    public List<Map<String, Object>> listUsers() {
        return client.rows(Mode.READ, """
                MATCH (p:Principal)
                RETURN p.id AS id, p.name AS name, p.role AS role, p.active AS active, p.created_at AS created_at
                ORDER BY p.id""", Map.of());
    }

    public boolean userExists(String id) {
        return client.row(Mode.READ, "MATCH (p:Principal {id: $id}) RETURN p.id AS id", Map.of("id", id)) != null;
    }

    // ---- opaque tokens

    public Map<String, Object> createToken(String id, String hash, String prefix, String name, String owner,
            ZonedDateTime expiresAt, List<String> allowedLibraries, List<String> allowedTools,
            List<String> workspaceIds) {
        Map<String, Object> params = new HashMap<>();
        params.put("id", id);
        params.put("hash", hash);
        params.put("prefix", prefix);
        params.put("name", name);
        params.put("owner", owner);
        params.put("expires", expiresAt);
        params.put("libraries", allowedLibraries);
        params.put("tools", allowedTools);
        params.put("workspaces", workspaceIds);
        return castMap(client.row(Mode.WRITE, """
                CREATE (t:ApiToken {id: $id, hash: $hash, prefix: $prefix, name: $name, owner: $owner, active: true,
                                    created_at: datetime(), expires_at: $expires, allowed_libraries: $libraries,
                                    allowed_tools: $tools, workspace_ids: $workspaces})
                RETURN""" + " " + TOKEN_FIELDS + " AS token", params).get("token"));
    }

    /** Tokens of one owner, or of everyone when {@code owner} is null. */
    public List<Map<String, Object>> listTokens(String owner) {
        Map<String, Object> params = new HashMap<>();
        params.put("owner", owner);
        return client.rows(Mode.READ, "MATCH (t:ApiToken) WHERE $owner IS NULL OR t.owner = $owner RETURN "
                + TOKEN_FIELDS + " AS token ORDER BY t.created_at, t.id", params).stream()
                .map(row -> castMap(row.get("token"))).toList();
    }

    /** Deactivates a token of this owner (any owner when null); false when there is none. */
    public boolean revokeToken(String id, String owner) {
        Map<String, Object> params = new HashMap<>();
        params.put("id", id);
        params.put("owner", owner);
        return client.row(Mode.WRITE, """
                MATCH (t:ApiToken {id: $id}) WHERE $owner IS NULL OR t.owner = $owner
                SET t.active = false RETURN t.id AS id""", params) != null;
    }

    // ---- teams

    public Map<String, Object> team(String id) {
        Map<String, Object> row = client.row(Mode.READ, """
                MATCH (t:Team {id: $id})
                RETURN t{.id, .name, .owner, .active, .active_jti, .created_at,
                         workspace_ids: coalesce(t.workspace_ids, [])} AS team""", Map.of("id", id));
        return row == null ? null : castMap(row.get("team"));
    }

    /** Creates an active team with this jti; returns the team and whether it was created. */
    public Upsert createTeam(String id, String name, String owner, String jti) {
        return Upsert.of(client.row(Mode.WRITE, """
                MERGE (t:Team {id: $id})
                ON CREATE SET t.name = $name, t.owner = $owner, t.active = true, t.active_jti = $jti,
                              t.workspace_ids = [], t.created_at = datetime(), t.fresh = true
                """ + CREATED.formatted("t") + """
                RETURN t{.id, .name, .owner, .active, .active_jti, .workspace_ids} AS team, created""",
                Map.of("id", id, "name", name, "owner", owner, "jti", jti)), "team");
    }

    /** Makes {@code jti} the team's only valid one (and the team active); the previous JWT stops working. */
    public void activateTeam(String id, String jti) {
        client.rows(Mode.WRITE, "MATCH (t:Team {id: $id}) SET t.active = true, t.active_jti = $jti",
                Map.of("id", id, "jti", jti));
    }

    public void deactivateTeam(String id) {
        client.rows(Mode.WRITE, "MATCH (t:Team {id: $id}) SET t.active = false, t.active_jti = null",
                Map.of("id", id));
    }

    public void setTeamWorkspaces(String id, List<String> workspaceIds) {
        client.rows(Mode.WRITE, "MATCH (t:Team {id: $id}) SET t.workspace_ids = $ids",
                Map.of("id", id, "ids", workspaceIds));
    }

    // ---- signing keys

    /** The newest active key, or null. */
    public Map<String, Object> activeKey() {
        return client.row(Mode.READ, """
                MATCH (k:SigningKey {active: true})
                RETURN k.kid AS kid, k.secret AS secret ORDER BY k.created_at DESC LIMIT 1""", Map.of());
    }

    /** Adds a key and makes it the only one that signs; older keys keep verifying what they signed. */
    public void addKey(String kid, String secret) {
        client.rows(Mode.WRITE, """
                OPTIONAL MATCH (old:SigningKey {active: true})
                SET old.active = false
                WITH count(old) AS retired
                CREATE (:SigningKey {kid: $kid, secret: $secret, active: true, created_at: datetime()})""",
                Map.of("kid", kid, "secret", secret));
    }

    public String keySecret(String kid) {
        Map<String, Object> row = client.row(Mode.READ, "MATCH (k:SigningKey {kid: $kid}) RETURN k.secret AS secret",
                Map.of("kid", kid));
        return row == null ? null : (String) row.get("secret");
    }

    public List<Map<String, Object>> listKeys() {
        return client.rows(Mode.READ, """
                MATCH (k:SigningKey) RETURN k.kid AS kid, k.active AS active, k.created_at AS created_at
                ORDER BY k.created_at DESC""", Map.of());
    }

    /** Deletes a key that no longer signs; the JWTs it signed stop verifying. False when absent or active. */
    public boolean deleteKey(String kid) {
        return client.row(Mode.WRITE, """
                MATCH (k:SigningKey {kid: $kid}) WHERE NOT k.active
                DELETE k RETURN $kid AS kid""", Map.of("kid", kid)) != null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object value) {
        return (Map<String, Object>) value;
    }
}
