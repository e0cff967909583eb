package org.mnemo.gateway.auth;

import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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
            + ".last_used_at, .allowed_libraries, .allowed_tools, workspace_ids: coalesce(t.workspace_ids, []), "
            + ".parent_id}";
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
                        t.active = true
                    """, Map.of("id", BOOTSTRAP_TOKEN_ID, "hash", tokenHash, "prefix", prefix));
        }
        // The bootstrap token is the unrestricted admin: every library, tool and workspace.
        client.rows(Mode.WRITE, """
                MATCH (t:ApiToken {id: $id})
                SET t.allowed_libraries = ['*'], t.allowed_tools = [], t.workspace_ids = ['*']""", Map.of("id", BOOTSTRAP_TOKEN_ID));
    }

    public boolean hasBootstrapToken() {
        return client.row(Mode.READ, "MATCH (t:ApiToken {id: $id}) RETURN t.id AS id", Map.of("id", BOOTSTRAP_TOKEN_ID))
                != null;
    }

    private static final String PRINCIPAL_FIELDS =
            "p{.id, .name, .role, .active, .created_at, .managed_by, " + "capabilities: coalesce(p.capabilities, [])}";

    /**
     * Creates a user ({@code role} user) or service account ({@code role} service, with capabilities); returns the
     * principal and whether it was created (false: the id was taken).
     */
    public Upsert createPrincipal(String id, String name, String role, List<String> capabilities, String managedBy) {
        Map<String, Object> params =
                new HashMap<>(Map.of("id", id, "name", name, "role", role, "capabilities", capabilities));
        params.put("managedBy", managedBy);
        return Upsert.of(
                client.row(
                        Mode.WRITE,
                        """
                MERGE (p:Principal {id: $id})
                ON CREATE SET p.name = $name, p.role = $role, p.capabilities = $capabilities, p.active = true,
                              p.managed_by = $managedBy, p.created_at = datetime(), p.fresh = true
                """ + String.format(Locale.ROOT, CREATED, "p") + "RETURN " + PRINCIPAL_FIELDS
                                + " AS principal, created",
                        params),
                "principal");
    }

    public List<Map<String, Object>> listUsers() {
        return client
                .rows(
                        Mode.READ,
                        "MATCH (p:Principal) RETURN " + PRINCIPAL_FIELDS + " AS principal ORDER BY p.id",
                        Map.of())
                .stream()
                .map(row -> castMap(row.get("principal")))
                .toList();
    }

    /** (De)activates a user or service account (never the admin); the changed principal, or null when absent. */
    public Map<String, Object> setActive(String id, boolean active) {
        Map<String, Object> row = client.row(
                Mode.WRITE,
                "MATCH (p:Principal {id: $id}) WHERE p.role <> 'admin' " + "SET p.active = $active RETURN "
                        + PRINCIPAL_FIELDS + " AS principal",
                Map.of("id", id, "active", active));
        return row == null ? null : castMap(row.get("principal"));
    }

    public boolean userExists(String id) {
        return client.row(Mode.READ, "MATCH (p:Principal {id: $id}) RETURN p.id AS id", Map.of("id", id)) != null;
    }

    // ---- opaque tokens

    public Map<String, Object> createToken(
            String id,
            String hash,
            String prefix,
            String name,
            String owner,
            ZonedDateTime expiresAt,
            List<String> allowedLibraries,
            List<String> allowedTools,
            List<String> workspaceIds,
            String parentId) {
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
        params.put("parent", parentId);
        return castMap(client.row(Mode.WRITE, """
                CREATE (t:ApiToken {id: $id, hash: $hash, prefix: $prefix, name: $name, owner: $owner, active: true,
                                    created_at: datetime(), expires_at: $expires, allowed_libraries: $libraries,
                                    allowed_tools: $tools, workspace_ids: $workspaces, parent_id: $parent})
                RETURN""" + " " + TOKEN_FIELDS + " AS token", params)
                .get("token"));
    }

    /** One token's stored restrictions (never its hash), or null. */
    public Map<String, Object> token(String id) {
        Map<String, Object> row = client.row(
                Mode.READ,
                "MATCH (t:ApiToken {id: $id}) RETURN " + TOKEN_FIELDS + " AS token",
                Map.of("id", id == null ? "" : id));
        return row == null ? null : castMap(row.get("token"));
    }

    /** Records that these tokens were used now (in batches, from {@link TokenUse}). */
    public void markUsed(List<String> ids) {
        client.rows(
                Mode.WRITE,
                "UNWIND $ids AS id MATCH (t:ApiToken {id: id}) SET t.last_used_at = datetime()",
                Map.of("ids", ids));
    }

    /** Tokens of one owner, or of everyone when {@code owner} is null. */
    public List<Map<String, Object>> listTokens(String owner) {
        Map<String, Object> params = new HashMap<>();
        params.put("owner", owner);
        return client
                .rows(
                        Mode.READ,
                        "MATCH (t:ApiToken) WHERE $owner IS NULL OR t.owner = $owner RETURN " + TOKEN_FIELDS
                                + " AS token ORDER BY t.created_at, t.id",
                        params)
                .stream()
                .map(row -> castMap(row.get("token")))
                .toList();
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
                RETURN t{.id, .name, .owner, .active, .active_jti, .created_at, .deleted,
                         workspace_ids: coalesce(t.workspace_ids, [])} AS team""", Map.of("id", id));
        return row == null ? null : castMap(row.get("team"));
    }

    /** The teams of one owner (null: everyone's), deleted ones too, by name. */
    public List<Map<String, Object>> teams(String owner) {
        Map<String, Object> params = new HashMap<>();
        params.put("owner", owner);
        return client.rows(Mode.READ, """
                MATCH (t:Team) WHERE $owner IS NULL OR t.owner = $owner
                RETURN t{.id, .name, .owner, .active, .active_jti, .created_at, .deleted,
                         workspace_ids: coalesce(t.workspace_ids, [])} AS team
                ORDER BY t.name, t.id LIMIT 1000""", params).stream()
                .map(r -> castMap(r.get("team")))
                .toList();
    }

    /** Creates an active team with this jti; returns the team and whether it was created. */
    public Upsert createTeam(String id, String name, String owner, String jti) {
        return Upsert.of(
                client.row(
                        Mode.WRITE,
                        """
                MERGE (t:Team {id: $id})
                ON CREATE SET t.name = $name, t.owner = $owner, t.active = true, t.active_jti = $jti,
                              t.workspace_ids = [], t.created_at = datetime(), t.fresh = true
                """ + String.format(Locale.ROOT, CREATED, "t") + """
                RETURN t{.id, .name, .owner, .active, .active_jti, .workspace_ids} AS team, created""",
                        Map.of("id", id, "name", name, "owner", owner, "jti", jti)),
                "team");
    }

    /** Makes {@code jti} the team's only valid one (and the team active); the previous JWT stops working. */
    public void activateTeam(String id, String jti) {
        client.rows(
                Mode.WRITE,
                "MATCH (t:Team {id: $id}) SET t.active = true, t.active_jti = $jti",
                Map.of("id", id, "jti", jti));
    }

    /** Deletes a team: its JWT stops working and the id cannot be claimed again (the node is kept as a tombstone). */
    public void deleteTeam(String id) {
        client.rows(
                Mode.WRITE,
                "MATCH (t:Team {id: $id}) SET t.active = false, t.active_jti = null, t.deleted = true, "
                        + "t.deleted_at = datetime()",
                Map.of("id", id));
    }

    /** Brings a deleted team back, active with this jti (an admin action). */
    public void restoreTeam(String id, String jti) {
        client.rows(
                Mode.WRITE,
                "MATCH (t:Team {id: $id}) SET t.active = true, t.active_jti = $jti, t.deleted = false "
                        + "REMOVE t.deleted_at",
                Map.of("id", id, "jti", jti));
    }

    public void setTeamWorkspaces(String id, List<String> workspaceIds) {
        client.rows(
                Mode.WRITE,
                "MATCH (t:Team {id: $id}) SET t.workspace_ids = $ids",
                Map.of("id", id, "ids", workspaceIds));
    }

    // ---- signing keys

    /** The newest active key (its secret as stored: encrypted), or null. */
    public Map<String, Object> activeKey() {
        return client.row(Mode.READ, """
                MATCH (k:SigningKey {active: true})
                RETURN k.kid AS kid, k.secret_enc AS secret ORDER BY k.created_at DESC LIMIT 1""", Map.of());
    }

    /** Adds a key (its secret encrypted) and makes it the only one that signs; older keys keep verifying. */
    public void addKey(String kid, String encryptedSecret) {
        client.rows(Mode.WRITE, """
                OPTIONAL MATCH (old:SigningKey {active: true})
                SET old.active = false
                WITH count(old) AS retired
                CREATE (:SigningKey {kid: $kid, secret_enc: $secret, active: true, created_at: datetime()})""", Map.of("kid", kid, "secret", encryptedSecret));
    }

    /** A key's encrypted secret, or null. */
    public String keySecret(String kid) {
        Map<String, Object> row =
                client.row(Mode.READ, "MATCH (k:SigningKey {kid: $kid}) RETURN k.secret_enc AS s", Map.of("kid", kid));
        return row == null ? null : (String) row.get("s");
    }

    /** Keys still stored in plaintext (by earlier versions): kid → secret, for {@link SigningKeys} to encrypt. */
    public Map<String, String> plaintextKeys() {
        Map<String, String> keys = new HashMap<>();
        client.rows(
                        Mode.READ,
                        "MATCH (k:SigningKey) WHERE k.secret IS NOT NULL RETURN k.kid AS kid, k.secret AS s",
                        Map.of())
                .forEach(r -> keys.put((String) r.get("kid"), (String) r.get("s")));
        return keys;
    }

    /** Replaces a plaintext secret by its encryption. */
    public void encryptKey(String kid, String encryptedSecret) {
        client.rows(
                Mode.WRITE,
                "MATCH (k:SigningKey {kid: $kid}) SET k.secret_enc = $secret REMOVE k.secret",
                Map.of("kid", kid, "secret", encryptedSecret));
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
