package org.mnemo.gateway.rest;

import io.javalin.http.Context;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.mnemo.gateway.auth.AuthStore;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.auth.SigningKeys;
import org.mnemo.gateway.auth.Tokens;

/** Opaque tokens (each user manages its own), users (the admin creates them) and team-JWT signing keys. */
final class TokenApi {
    private static final String TAG = "access";
    private static final String USER_ID = "[a-z0-9][a-z0-9._@-]{0,127}";

    private final AuthStore store;
    private final SigningKeys keys;

    TokenApi(AuthStore store, SigningKeys keys) {
        this.store = store;
        this.keys = keys;
    }

    List<Route> routes() {
        return List.of(
                Route.post("/api/tokens/", TAG, "Create a bearer token; its plaintext is returned once",
                        "{name, expires_at? (RFC 3339), allowed_libraries? (uids or '*'; empty = none), "
                                + "allowed_tools? (empty = all), workspace_ids? (memory), owner? (admin only)}", this::createToken),
                Route.get("/api/tokens/", TAG, "The caller's tokens, masked (the admin: everyone's, ?owner=)",
                        this::listTokens),
                Route.delete("/api/tokens/{id}/", TAG, "Revoke a token; it fails from the next request on",
                        this::revokeToken),
                Route.post("/api/users/", TAG, "Create a user with a first token (admin only)", "{id, name}",
                        this::createUser),
                Route.get("/api/users/", TAG, "All users (admin only)", this::listUsers),
                Route.get("/api/keys/", TAG, "Team-JWT signing keys, without secrets (admin only)", this::listKeys),
                Route.post("/api/keys/rotate/", TAG, "Add a new signing key for team JWTs; older keys keep "
                        + "verifying (admin only)", null, this::rotateKey),
                Route.delete("/api/keys/{kid}/", TAG, "Delete a retired signing key: the team JWTs it signed stop "
                        + "working (admin only)", this::deleteKey));
    }

    private void createToken(Context ctx) {
        Caller caller = Requests.manager(ctx);
        Json.Body body = Json.body(ctx);
        String owner = caller.principal();
        if (body.has("owner")) {
            caller.requireAdmin();
            owner = body.optionalString("owner", 128);
            if (!store.userExists(owner)) {
                throw ApiError.badRequest("invalid_field", "'owner' names no user: '" + owner + "'");
            }
        }
        ZonedDateTime expires = expiresAt(body.optionalString("expires_at", 64));
        List<String> libraries = body.strings("allowed_libraries", 1000);
        List<String> tools = body.strings("allowed_tools", 100);
        List<String> workspaces = body.strings("workspace_ids", 100);
        Json.send(ctx, 201, issue(owner, body.string("name", 200), expires, libraries == null ? List.of() : libraries,
                tools == null ? List.of() : tools, workspaces == null ? List.of() : workspaces));
    }

    private Map<String, Object> issue(String owner, String name, ZonedDateTime expires, List<String> libraries,
            List<String> tools, List<String> workspaces) {
        if (libraries.contains("*") && libraries.size() > 1) {
            throw ApiError.badRequest("invalid_field", "'allowed_libraries' may hold '*' only on its own");
        }
        String token = Tokens.generate();
        Map<String, Object> stored = store.createToken("tok_" + UUID.randomUUID(), Tokens.sha256Hex(token),
                Tokens.mask(token), name, owner, expires, libraries, tools, workspaces);
        Map<String, Object> body = new LinkedHashMap<>(stored);
        body.put("token", token);
        return body;
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
            throw ApiError.badRequest("invalid_field", "'expires_at' must be an RFC 3339 date-time such as "
                    + "2027-01-31T00:00:00Z");
        }
    }

    private void listTokens(Context ctx) {
        Caller caller = Requests.manager(ctx);
        String owner = caller.admin() ? Requests.text(ctx, "owner") : caller.principal();
        Json.send(ctx, 200, Map.of("results", store.listTokens(owner)));
    }

    private void revokeToken(Context ctx) {
        Caller caller = Requests.manager(ctx);
        if (!store.revokeToken(ctx.pathParam("id"), caller.admin() ? null : caller.principal())) {
            throw ApiError.notFound("token '" + ctx.pathParam("id") + "'");
        }
        ctx.status(204);
    }

    private void createUser(Context ctx) {
        Caller caller = Requests.caller(ctx);
        caller.requireAdmin();
        Json.Body body = Json.body(ctx);
        String id = body.string("id", 128);
        if (!id.matches(USER_ID)) {
            throw ApiError.badRequest("invalid_field", "'id' must be lower-case letters, digits, '.', '_', '@' or "
                    + "'-' (at most 128)");
        }
        AuthStore.Upsert result = store.createUser(id, body.string("name", 200));
        if (!result.created()) {
            throw ApiError.conflict("user_exists", "a user with id '" + id + "' exists already");
        }
        Map<String, Object> user = new LinkedHashMap<>(result.value());
        user.put("token", issue(id, "first token", null, List.of("*"), List.of(), List.of()));
        Json.send(ctx, 201, user);
    }

    private void listUsers(Context ctx) {
        Requests.caller(ctx).requireAdmin();
        Json.send(ctx, 200, Map.of("results", store.listUsers()));
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
