package org.mnemo.gateway.rest;

import static org.mnemo.gateway.web.Schema.array;
import static org.mnemo.gateway.web.Schema.bool;
import static org.mnemo.gateway.web.Schema.dateTime;
import static org.mnemo.gateway.web.Schema.fields;
import static org.mnemo.gateway.web.Schema.object;
import static org.mnemo.gateway.web.Schema.string;
import static org.mnemo.gateway.web.Schema.strings;

import io.javalin.http.Context;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.mnemo.gateway.auth.AuthFailure;
import org.mnemo.gateway.auth.AuthStore;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.auth.Scopes;
import org.mnemo.gateway.auth.SigningKeys;
import org.mnemo.gateway.auth.Tokens;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.web.ApiError;
import org.mnemo.gateway.web.Json;
import org.mnemo.gateway.web.Requests;
import org.mnemo.gateway.web.Route;
import org.mnemo.gateway.web.Schema;

/**
 * Opaque tokens (each principal manages its own; a token made by a token is never wider than it), users and
 * service accounts (the admin creates them) and team-JWT signing keys.
 */
final class TokenApi {
    private static final String TAG = "access";
    private static final String USER_ID = "[a-z0-9][a-z0-9._@-]{0,127}";
    private static final String ANY = "*";
    /** Capabilities a service account can hold (docs/security.md). */
    static final List<String> CAPABILITIES = List.of(Scopes.MANAGE_WORKSPACES, "trusted_namespaces");

    private final AuthStore store;
    private final SigningKeys keys;
    private final MnemoClient client;

    TokenApi(AuthStore store, SigningKeys keys, MnemoClient client) {
        this.store = store;
        this.keys = keys;
        this.client = client;
    }

    private static final Schema TOKEN_FIELDS = object(
                    "A bearer token, masked: never its hash, its plaintext only " + "when made")
            .required("id", string(null))
            .required("name", string(null))
            .required("prefix", string("The token's first characters, to recognise it"))
            .required("owner", string("The principal it acts for"))
            .required("active", bool(null))
            .required("created_at", dateTime(null))
            .required("expires_at", dateTime(null).nullable())
            .required("last_used_at", dateTime(null).nullable())
            .required("allowed_libraries", strings("Library uids it may read, or ['*']"))
            .required("allowed_tools", strings("Scopes it may use (empty: all)"))
            .required("workspace_ids", strings("Workspaces it acts as for memory, or ['*']"))
            .required("parent_id", string("The token that made it").nullable());
    static final Schema TOKEN = TOKEN_FIELDS.named("Token");
    static final Schema NEW_TOKEN = TOKEN_FIELDS
            .required("token", string("The plaintext: shown this once"))
            .example(fields(
                    "id",
                    "tok_3e1f0c2d-7a6b-4c5d-9e8f-1a2b3c4d5e6f",
                    "name",
                    "ci",
                    "prefix",
                    "mnemo_3kQ",
                    "owner",
                    "ann",
                    "active",
                    true,
                    "created_at",
                    "2026-01-31T09:15:00Z",
                    "expires_at",
                    null,
                    "last_used_at",
                    null,
                    "allowed_libraries",
                    List.of("*"),
                    "allowed_tools",
                    List.of("search"),
                    "workspace_ids",
                    List.of(),
                    "parent_id",
                    null,
                    "token",
                    "mnemo_3kQ…"))
            .named("NewToken");
    private static final Schema USER_FIELDS = object("A user or service account")
            .required("id", string(null))
            .required("name", string(null))
            .required("role", string(null).values("admin", "user", "service"))
            .required("active", bool(null))
            .required("created_at", dateTime(null).nullable())
            .required(
                    "managed_by",
                    string("The service account whose grants it accepts without asking")
                            .nullable())
            .required(
                    "capabilities", array("A service account's: manage_workspaces, trusted_namespaces", string(null)));
    static final Schema USER = USER_FIELDS.named("User");

    List<Route> routes() {
        return List.of(
                Route.post(
                                "/api/tokens/",
                                TAG,
                                "Create a bearer token, never wider than the token that asks; its "
                                        + "plaintext is returned once",
                                object("What the token may do; absent fields inherit the " + "creating token's")
                                        .required("name", string(null).maxLength(200))
                                        .optional("expires_at", dateTime("RFC 3339, in the future"))
                                        .optional("allowed_libraries", strings("Library uids or '*'; empty = none"))
                                        .optional("allowed_tools", strings("Tool and management scopes; empty = all"))
                                        .optional("workspace_ids", strings("Workspaces it acts as for memory"))
                                        .optional(
                                                "owner",
                                                string("The admin only: a token of this user or service")
                                                        .maxLength(128))
                                        .example(fields("name", "ci", "allowed_tools", List.of("search", "get_chunk")))
                                        .named("TokenRequest"),
                                this::createToken)
                        .scope(Scopes.MANAGE_TOKENS)
                        .returns(201, "Created", NEW_TOKEN),
                Route.get(
                                "/api/tokens/",
                                TAG,
                                "The caller's tokens, masked (the admin: everyone's, ?owner=)",
                                this::listTokens)
                        .scope(Scopes.MANAGE_TOKENS)
                        .query("owner", string("The admin: only this owner's"))
                        .returns(200, "The tokens", object(null).required("results", array(null, TOKEN))),
                Route.delete(
                                "/api/tokens/{id}/",
                                TAG,
                                "Revoke a token (and every token derived from it); it fails "
                                        + "from the next request on",
                                this::revokeToken)
                        .scope(Scopes.MANAGE_TOKENS)
                        .returns(204, "Revoked"),
                Route.post(
                                "/api/users/",
                                TAG,
                                "Create a user or service account with a first token (admin only)",
                                object("A user or service account")
                                        .required(
                                                "id",
                                                string("Lower-case letters, digits, '.', '_', '@' or '-'")
                                                        .with("pattern", "^" + USER_ID + "$"))
                                        .required("name", string(null).maxLength(200))
                                        .optional(
                                                "role",
                                                string(null)
                                                        .values("user", "service")
                                                        .defaultsTo("user"))
                                        .optional(
                                                "capabilities",
                                                array(
                                                        "Service accounts only",
                                                        string(null).values(CAPABILITIES.toArray(String[]::new))))
                                        .optional(
                                                "managed_by",
                                                string("The service account whose grants this user accepts "
                                                                + "without asking")
                                                        .maxLength(128))
                                        .example(fields("id", "ann", "name", "Ann"))
                                        .named("UserRequest"),
                                this::createUser)
                        .scope(Scopes.ADMIN)
                        .returns(
                                201,
                                "Created, with its first token",
                                USER_FIELDS.required("token", NEW_TOKEN).named("NewUser")),
                Route.get("/api/users/", TAG, "All users and service accounts (admin only)", this::listUsers)
                        .scope(Scopes.ADMIN)
                        .returns(200, "The users", object(null).required("results", array(null, USER))),
                Route.put(
                                "/api/users/{id}/",
                                TAG,
                                "Deactivate or reactivate a user or service account: its tokens "
                                        + "and teams stop working at once (admin only)",
                                object("Whether it is active").required("active", bool(null)),
                                this::updateUser)
                        .scope(Scopes.ADMIN)
                        .returns(200, "The user", USER),
                Route.get("/api/keys/", TAG, "Team-JWT signing keys, without secrets (admin only)", this::listKeys)
                        .scope(Scopes.ADMIN)
                        .returns(
                                200,
                                "The keys, newest first",
                                object(null)
                                        .required(
                                                "results",
                                                array(
                                                        null,
                                                        object("A signing key")
                                                                .required("kid", string(null))
                                                                .required(
                                                                        "active",
                                                                        bool("Whether it signs new team JWTs")
                                                                                .nullable())
                                                                .required(
                                                                        "created_at",
                                                                        dateTime(null)
                                                                                .nullable())))),
                Route.post(
                                "/api/keys/rotate/",
                                TAG,
                                "Add a new signing key for team JWTs; older keys keep " + "verifying (admin only)",
                                null,
                                this::rotateKey)
                        .scope(Scopes.ADMIN)
                        .returns(201, "The new key's id", object(null).required("kid", string(null))),
                Route.delete(
                                "/api/keys/{kid}/",
                                TAG,
                                "Delete a retired signing key: the team JWTs it signed stop " + "working (admin only)",
                                this::deleteKey)
                        .scope(Scopes.ADMIN)
                        .returns(204, "Deleted"));
    }

    /** What a new token may do; absent (null) fields are inherited from the creating token. */
    private record Request(
            List<String> libraries, List<String> tools, List<String> workspaces, ZonedDateTime expires) {}

    private void createToken(Context ctx) {
        Caller caller = Requests.manager(ctx);
        Json.Body body = Json.body(ctx);
        Request asked = new Request(
                body.strings("allowed_libraries", 1000),
                body.strings("allowed_tools", 100),
                body.strings("workspace_ids", 100),
                expiresAt(body.optionalString("expires_at", 64)));
        String name = body.string("name", 200);
        if (body.has("owner")) {
            // The admin hands a user or service a token of its own: bounded by that principal's grants.
            caller.requireAdmin();
            String owner = body.optionalString("owner", 128);
            Map<String, Object> principal = principal(owner);
            // A service account's token acts, unless told otherwise, for every workspace the service holds (the
            // ones it created): Daedalus' tokens name no workspaces, and manage the ones they make.
            List<String> workspaces = Caller.SERVICE.equals(principal.get("role")) ? List.of(ANY) : List.of();
            Request granted = new Request(
                    or(asked.libraries(), List.of()),
                    or(asked.tools(), List.of()),
                    or(asked.workspaces(), workspaces),
                    asked.expires());
            checkShapes(granted, owner);
            Json.send(ctx, 201, issue(owner, name, granted, null));
            return;
        }
        // '*' (every workspace the owner holds, now and later) is for the admin and service accounts to ask for;
        // a user's token has it only from the admin (its first token), and passes it on.
        if (asked.workspaces() != null
                && asked.workspaces().contains(ANY)
                && !Caller.ADMIN.equals(caller.role())
                && !Caller.SERVICE.equals(caller.role())) {
            throw AuthFailure.forbidden(
                    "workspace_forbidden",
                    "'*' in workspace_ids is reserved to the admin and "
                            + "service accounts; name the workspaces you hold");
        }
        Map<String, Object> parent = store.token(caller.tokenId());
        Request derived = derive(asked, parent);
        checkShapes(derived, caller.owner());
        Json.send(ctx, 201, issue(caller.owner(), name, derived, caller.tokenId()));
    }

    /** The new token's restrictions: what was asked, within the parent's; absent fields inherit the parent's. */
    @SuppressWarnings("unchecked")
    private static Request derive(Request asked, Map<String, Object> parent) {
        List<String> parentLibraries = (List<String>) parent.get("allowed_libraries");
        List<String> parentTools = (List<String>) parent.get("allowed_tools");
        List<String> parentWorkspaces = (List<String>) parent.get("workspace_ids");
        ZonedDateTime parentExpires = (ZonedDateTime) parent.get("expires_at");
        List<String> libraries = or(asked.libraries(), parentLibraries);
        if (!parentLibraries.contains(ANY) && !parentLibraries.containsAll(libraries)) {
            throw wider("allowed_libraries", "may name only libraries the creating token allows: " + parentLibraries);
        }
        List<String> tools = or(asked.tools(), parentTools);
        if (!parentTools.isEmpty() && (tools.isEmpty() || !parentTools.containsAll(tools))) {
            throw wider("allowed_tools", "may name only tools the creating token allows: " + parentTools);
        }
        List<String> workspaces = or(asked.workspaces(), parentWorkspaces);
        if (!parentWorkspaces.contains(ANY) && !parentWorkspaces.containsAll(workspaces)) {
            throw wider(
                    "workspace_ids", "may name only workspaces the creating token is bound to: " + parentWorkspaces);
        }
        ZonedDateTime expires = asked.expires() != null ? asked.expires() : parentExpires;
        if (parentExpires != null && expires.isAfter(parentExpires)) {
            throw wider("expires_at", "must not be later than the creating token's " + parentExpires);
        }
        return new Request(libraries, tools, workspaces, expires);
    }

    /** Checks the lists themselves: '*' alone, known tool names, workspaces the owner holds. */
    private void checkShapes(Request request, String owner) {
        if (request.libraries().contains(ANY) && request.libraries().size() > 1) {
            throw ApiError.badRequest("invalid_field", "'allowed_libraries' may hold '*' only on its own");
        }
        List<String> unknown =
                request.tools().stream().filter(t -> !Scopes.ALL.contains(t)).toList();
        if (!unknown.isEmpty()) {
            throw ApiError.badRequest(
                    "invalid_field", "'allowed_tools' names unknown scopes " + unknown + "; known: " + Scopes.ALL);
        }
        if (request.workspaces().contains(ANY)) {
            if (request.workspaces().size() > 1) {
                throw ApiError.badRequest("invalid_field", "'workspace_ids' may hold '*' only on its own");
            }
            return;
        }
        for (String workspace : request.workspaces()) {
            if (client.role(owner, workspace) == null) {
                throw AuthFailure.forbidden(
                        "workspace_forbidden", "'" + owner + "' holds no role on workspace '" + workspace + "'");
            }
        }
    }

    private Map<String, Object> issue(String owner, String name, Request request, String parentId) {
        String token = Tokens.generate();
        Map<String, Object> stored = store.createToken(
                "tok_" + UUID.randomUUID(),
                Tokens.sha256Hex(token),
                Tokens.mask(token),
                name,
                owner,
                request.expires(),
                request.libraries(),
                request.tools(),
                request.workspaces(),
                parentId);
        Map<String, Object> body = new LinkedHashMap<>(stored);
        body.put("token", token);
        return body;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    private static AuthFailure wider(String field, String detail) {
        return AuthFailure.forbidden("token_wider_than_parent", "'" + field + "' " + detail);
    }

    private Map<String, Object> principal(String id) {
        return store.listUsers().stream()
                .filter(p -> id.equals(p.get("id")))
                .findFirst()
                .orElseThrow(() -> ApiError.badRequest("invalid_field", "'owner' names no user: '" + id + "'"));
    }

    private static ZonedDateTime expiresAt(String value) {
        if (value == null) {
            return null;
        }
        try {
            ZonedDateTime expires = OffsetDateTime.parse(value).atZoneSameInstant(ZoneOffset.UTC);
            if (!expires.isAfter(ZonedDateTime.now(ZoneOffset.UTC))) {
                throw ApiError.badRequest("invalid_field", "'expires_at' must be in the future");
            }
            return expires;
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest(
                    "invalid_field", "'expires_at' must be an RFC 3339 date-time such as " + "2027-01-31T00:00:00Z");
        }
    }

    private void listTokens(Context ctx) {
        Caller caller = Requests.manager(ctx);
        String owner = caller.admin() ? Requests.text(ctx, "owner") : caller.owner();
        Json.send(ctx, 200, Map.of("results", manageable(caller, store.listTokens(owner))));
    }

    private void revokeToken(Context ctx) {
        Caller caller = Requests.manager(ctx);
        String id = ctx.pathParam("id");
        boolean mine = manageable(caller, store.listTokens(caller.admin() ? null : caller.owner())).stream()
                .anyMatch(t -> id.equals(t.get("id")));
        if (!mine || !store.revokeToken(id, caller.admin() ? null : caller.owner())) {
            throw ApiError.notFound("token '" + id + "'");
        }
        ctx.status(204);
    }

    /**
     * The tokens a caller manages: a token made by another token sees and revokes only itself and what was made
     * from it — never its parent or a sibling (it must not lock its owner out); the owner's own first-level tokens
     * manage all the owner's.
     */
    private List<Map<String, Object>> manageable(Caller caller, List<Map<String, Object>> tokens) {
        Map<String, Object> self = store.token(caller.tokenId());
        if (caller.admin() || self == null || self.get("parent_id") == null) {
            return tokens;
        }
        Map<String, String> parents = new java.util.HashMap<>();
        tokens.forEach(t -> parents.put((String) t.get("id"), (String) t.get("parent_id")));
        return tokens.stream()
                .filter(t -> {
                    String at = (String) t.get("id");
                    for (int depth = 0; at != null && depth < 32; depth++) {
                        if (at.equals(caller.tokenId())) {
                            return true;
                        }
                        at = parents.get(at);
                    }
                    return false;
                })
                .toList();
    }

    private void createUser(Context ctx) {
        Requests.caller(ctx).requireAdmin();
        Json.Body body = Json.body(ctx);
        String id = body.string("id", 128);
        if (!id.matches(USER_ID) || Caller.ADMIN.equals(id)) {
            throw ApiError.badRequest(
                    "invalid_field",
                    "'id' must be lower-case letters, digits, '.', '_', '@' or "
                            + "'-' (at most 128), and not 'admin'");
        }
        String role = body.has("role") ? body.optionalString("role", 20) : "user";
        if (!List.of("user", Caller.SERVICE).contains(role)) {
            throw ApiError.badRequest("invalid_field", "'role' must be user or service");
        }
        List<String> capabilities = body.strings("capabilities", 10);
        capabilities = capabilities == null
                ? List.of()
                : capabilities.stream().distinct().toList();
        if (!capabilities.isEmpty() && !Caller.SERVICE.equals(role)) {
            throw ApiError.badRequest("invalid_field", "only service accounts have 'capabilities'");
        }
        List<String> unknown = new ArrayList<>(capabilities);
        unknown.removeAll(CAPABILITIES);
        if (!unknown.isEmpty()) {
            throw ApiError.badRequest("invalid_field", "'capabilities' may hold " + CAPABILITIES + ", not " + unknown);
        }
        String managedBy = body.optionalString("managed_by", 128);
        if (managedBy != null
                && store.listUsers().stream()
                        .noneMatch(p -> managedBy.equals(p.get("id")) && Caller.SERVICE.equals(p.get("role")))) {
            throw ApiError.badRequest("invalid_field", "'managed_by' must name a service account");
        }
        AuthStore.Upsert result = store.createPrincipal(id, body.string("name", 200), role, capabilities, managedBy);
        if (!result.created()) {
            throw ApiError.conflict("user_exists", "a user with id '" + id + "' exists already");
        }
        Map<String, Object> user = new LinkedHashMap<>(result.value());
        // The first token acts for every workspace the principal holds (a user: its memberships; a service: what
        // it manages) — as they are granted, now and later.
        user.put("token", issue(id, "first token", new Request(List.of(ANY), List.of(), List.of(ANY), null), null));
        Json.send(ctx, 201, user);
    }

    private void listUsers(Context ctx) {
        Requests.caller(ctx).requireAdmin();
        Json.send(ctx, 200, Map.of("results", store.listUsers()));
    }

    private void updateUser(Context ctx) {
        Requests.caller(ctx).requireAdmin();
        Json.Body body = Json.body(ctx);
        if (!body.node().path("active").isBoolean()) {
            throw ApiError.badRequest("invalid_field", "'active' (true or false) is required");
        }
        Json.send(
                ctx,
                200,
                Requests.found(
                        store.setActive(ctx.pathParam("id"), body.bool("active", true)),
                        "user '" + ctx.pathParam("id") + "'"));
    }

    private void listKeys(Context ctx) {
        Requests.caller(ctx).requireAdmin();
        Json.send(ctx, 200, Map.of("results", keys.list()));
    }

    private void rotateKey(Context ctx) {
        Requests.caller(ctx).requireAdmin();
        Json.send(ctx, 201, Map.of("kid", keys.rotate()));
    }

    private void deleteKey(Context ctx) {
        Requests.caller(ctx).requireAdmin();
        String kid = ctx.pathParam("kid");
        if (keys.list().stream().anyMatch(k -> kid.equals(k.get("kid")) && Boolean.TRUE.equals(k.get("active")))) {
            throw ApiError.conflict("key_active", "the active signing key cannot be deleted; rotate first");
        }
        if (!keys.delete(kid)) {
            throw ApiError.notFound("signing key '" + kid + "'");
        }
        ctx.status(204);
    }
}
