package org.mnemo.gateway.auth;

import java.util.Map;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.Rows;
import org.mnemo.gateway.config.GatewayConfig;

/**
 * Turns an {@code Authorization} header into a {@link Caller}: JWTs are verified here, then every credential kind
 * is resolved by one {@code mnemo.access.resolve} call (a read transaction), live, so revocations and changed
 * grants count at once. A token's last use is recorded in the background ({@link TokenUse}), never per request.
 */
public final class Authenticator {
    private static final String BEARER = "Bearer";

    private final MnemoClient client;
    private final Jwts jwts;
    private final String daedalusPrincipal;
    private final TokenUse tokenUse;
    private final GatewayConfig.Plugin plugin;

    public Authenticator(MnemoClient client, Jwts jwts, String daedalusPrincipal, TokenUse tokenUse) {
        this(client, jwts, daedalusPrincipal, tokenUse, null);
    }

    /** With {@code plugin} non-null, the memory plugin's trusted mode is on ({@link #authenticate(String, String)}). */
    public Authenticator(
            MnemoClient client, Jwts jwts, String daedalusPrincipal, TokenUse tokenUse, GatewayConfig.Plugin plugin) {
        this.client = client;
        this.jwts = jwts;
        this.daedalusPrincipal = daedalusPrincipal;
        this.tokenUse = tokenUse;
        this.plugin = plugin;
    }

    /** The header that carries the memory plugin's shared secret in its trusted mode. */
    public static final String PLUGIN_SECRET_HEADER = "X-Mnemo-Plugin-Secret";

    /**
     * A request to a route of the memory-plugin contract: a bearer when one is sent (as everywhere); without one,
     * and only when the trusted mode is configured, the shared secret. With the mode off the secret header is
     * ignored, so the request needs a bearer like any other.
     */
    public Caller authenticate(String authorization, String pluginSecret) {
        if (plugin == null || pluginSecret == null || (authorization != null && !authorization.isBlank())) {
            return authenticate(authorization);
        }
        byte[] given;
        try {
            given = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(pluginSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        // Hashes of equal length compared in constant time: the answer's timing says nothing about the secret.
        if (!java.security.MessageDigest.isEqual(given, plugin.secretSha256())) {
            throw AuthFailure.unauthenticated("invalid_plugin_secret", "the plugin secret was refused");
        }
        return resolve(
                Caller.Kind.PLUGIN,
                Map.of("kind", "plugin", "service", plugin.principal()),
                "plugin:" + plugin.principal());
    }

    public Caller authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw AuthFailure.unauthenticated("missing_credentials", "send Authorization: Bearer <token>");
        }
        String scheme = authorization.strip().split("\\s+", 2)[0];
        if (!scheme.equalsIgnoreCase(BEARER)) {
            throw AuthFailure.unauthenticated("unsupported_scheme", "only Bearer credentials are accepted");
        }
        String bearer = authorization.strip().substring(BEARER.length()).strip();
        if (bearer.isEmpty()) {
            throw AuthFailure.unauthenticated("missing_credentials", "the bearer value is empty");
        }
        if (!Jwts.looksLikeJwt(bearer)) {
            String hash = Tokens.sha256Hex(bearer);
            // One budget per owner: minting more tokens does not multiply it.
            Caller caller = resolve(Caller.Kind.TOKEN, Map.of("kind", "token", "hash", hash), null);
            tokenUse.used(caller.tokenId());
            return caller;
        }
        Object verified = jwts.verify(bearer);
        if (verified instanceof Jwts.Team team) {
            return resolve(
                    Caller.Kind.TEAM,
                    Map.of("kind", "team", "team_id", team.teamId(), "jti", team.jti()),
                    "team:" + team.teamId() + ":" + team.jti());
        }
        Jwts.Turn turn = (Jwts.Turn) verified;
        return resolve(
                Caller.Kind.TURN,
                Map.of(
                        "kind",
                        "turn",
                        "subject",
                        String.valueOf(turn.subject()),
                        "libs",
                        turn.libs(),
                        "workspaces",
                        turn.workspaces(),
                        "service",
                        daedalusPrincipal),
                "turn:" + turn.subject());
    }

    private Caller resolve(Caller.Kind kind, Map<String, Object> credential, String key) {
        Rows.Resolution r = client.resolve(credential);
        String status = r.status();
        if (!"ok".equals(status)) {
            throw AuthFailure.unauthenticated(
                    status,
                    switch (status) {
                        case "token_unknown" -> "no such token";
                        case "token_revoked" -> "the token, or a token it was derived from, has been revoked";
                        case "token_expired" -> "the token, or a token it was derived from, has expired";
                        case "team_unknown" -> "no such team";
                        case "team_inactive" -> "the team has been deactivated";
                        case "token_stale_jti" -> "this team JWT has been replaced by a newer one";
                        case "plugin_not_trusted" ->
                            "the plugin's service account ('" + plugin.principal() + "') is not a "
                                    + "service account with the trusted_namespaces capability";
                        case "principal_inactive" ->
                            kind == Caller.Kind.PLUGIN
                                    ? "the plugin's service account ('" + plugin.principal()
                                            + "') does not exist or is deactivated"
                                    : kind == Caller.Kind.TURN
                                            ? "the service account of Daedalus' JWTs ('" + daedalusPrincipal
                                                    + "') does not exist or is " + "deactivated"
                                            : "the credential's owner is deactivated";
                        default -> "the credential was refused";
                    });
        }
        return new Caller(
                kind,
                r.principal(),
                r.role(),
                r.owner(),
                r.libraries(),
                r.allowed_tools(),
                r.token_id(),
                r.workspaces(),
                r.restricted(),
                r.max_role(),
                r.capabilities(),
                r.derived(),
                r.expires_at() != null ? r.expires_at().toInstant() : null,
                key != null ? key : "principal:" + r.owner());
    }
}
