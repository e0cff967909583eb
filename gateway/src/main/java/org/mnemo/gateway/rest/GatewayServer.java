package org.mnemo.gateway.rest;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.Endpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.mnemo.gateway.auth.AuthFailure;
import org.mnemo.gateway.auth.AuthStore;
import org.mnemo.gateway.auth.Authenticator;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.auth.Jwts;
import org.mnemo.gateway.auth.SigningKeys;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.ProcedureFailure;
import org.mnemo.gateway.config.GatewayConfig;
import org.mnemo.gateway.health.BuildInfo;
import org.mnemo.gateway.health.Health;
import org.mnemo.gateway.ingest.IngestJobs;
import org.mnemo.gateway.web.AccessLog;
import org.mnemo.gateway.web.ApiError;
import org.mnemo.gateway.web.Json;
import org.mnemo.gateway.web.Metrics;
import org.mnemo.gateway.web.RateLimits;
import org.mnemo.gateway.web.Requests;
import org.mnemo.gateway.web.Route;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.SessionExpiredException;
import org.neo4j.driver.exceptions.TransientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: Javalin on Jetty, the REST routes, authentication before every protected route, JSON errors
 * with stable codes, request ids and metrics. Stateless: any number can serve one database.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    private static final String REQUEST_ID = "X-Request-Id";
    private static final String BOOKMARK = "X-Mnemo-Bookmark";
    private static final String STARTED = "mnemo.started";
    /** Bodies up to this many times MNEMO_MAX_BODY_BYTES are drained before their 413 (see refuseOversized). */
    private static final long OVERSIZED_DRAIN_FACTOR = 4;

    /**
     * What the routes need. {@code extraRoutes} and {@code servlets} let other surfaces (MCP) share the server:
     * one port, one request-size limit.
     */
    public record Services(
            MnemoClient client,
            AuthStore store,
            SigningKeys keys,
            Jwts jwts,
            Authenticator authenticator,
            Metrics metrics,
            IngestJobs jobs,
            RateLimits limits,
            Health health,
            List<Route> extraRoutes,
            Consumer<ServletContextHandler> servlets) {}

    private final Javalin app;
    private final List<Route> routes;

    private GatewayServer(Javalin app, List<Route> routes) {
        this.app = app;
        this.routes = routes;
    }

    public static GatewayServer start(GatewayConfig config, Services services) {
        Authenticator authenticator = services.authenticator();
        List<Route> routes = new ArrayList<>();
        routes.addAll(new LibraryApi(services.client(), services.jobs()).routes());
        routes.addAll(new JobApi(services.client(), services.jobs()).routes());
        routes.addAll(new MemoryApi(services.client()).routes());
        routes.addAll(new SearchApi(services.client()).routes());
        routes.addAll(new TeamApi(services.store(), services.jwts(), services.client()).routes());
        routes.addAll(new TokenApi(services.store(), services.keys(), services.client()).routes());
        routes.addAll(new ContextApi(services.client(), services.jobs()).routes());
        routes.addAll(services.extraRoutes());
        List<Route> all = routes;
        routes.addAll(new HealthApi(
                        services.health(),
                        config,
                        services.metrics(),
                        () -> OpenApi.document(all, BuildInfo.VERSION),
                        services.jobs())
                .routes());
        for (Route route : routes) {
            if (route.auth() && route.scope() == null) {
                throw new IllegalStateException("route " + route.method() + " " + route.path() + " declares no scope");
            }
            // The OpenAPI document types every route: what it answers on success is declared with it.
            if (route.responses().stream().noneMatch(r -> r.status() < 300)) {
                throw new IllegalStateException("route " + route.method() + " " + route.path() + " declares no "
                        + "success response (Route.returns)");
            }
        }
        Metrics metrics = services.metrics();
        RateLimits limits = services.limits();
        BookmarkHeader bookmarks = new BookmarkHeader(config.security().secretKey());
        String loopbackToken = config.security().loopbackToken();
        Javalin app = Javalin.create(c -> {
            c.jetty.host = config.httpHost();
            c.jetty.port = config.httpPort();
            c.http.maxRequestSize = config.maxBodyBytes();
            c.jetty.multipartConfig.maxTotalRequestSize(config.maxBodyBytes(), io.javalin.config.SizeUnit.BYTES);
            c.jetty.multipartConfig.maxFileSize(config.maxBodyBytes(), io.javalin.config.SizeUnit.BYTES);
            c.router.ignoreTrailingSlashes = true;
            c.startup.showJavalinBanner = false;
            ConsoleFiles.serve(c.staticFiles);
            c.jetty.modifyServletContextHandler(services.servlets());
            c.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            c.routes.before(ctx -> {
                ctx.attribute(STARTED, System.nanoTime());
                String incoming = ctx.header(REQUEST_ID);
                String requestId = incoming != null && incoming.matches("[A-Za-z0-9._-]{1,64}")
                        ? incoming
                        : UUID.randomUUID().toString();
                ctx.header(REQUEST_ID, requestId);
                AccessLog.begin(requestId);
                // Refused from its declared length, before it is parsed (multipart parsing would keep it all).
                if (ctx.contentLength() > config.maxBodyBytes()) {
                    refuseOversized(ctx, config.maxBodyBytes());
                    throw new ApiError(
                            413,
                            "body_too_large",
                            "the body is over the limit of " + config.maxBodyBytes() + " bytes (MNEMO_MAX_BODY_BYTES)");
                }
                // Reads after the caller's writes, even if another gateway took them (X-Mnemo-Bookmark).
                MnemoClient.afterBookmarks(bookmarks.open(ctx.header(BOOKMARK)));
            });
            for (Route route : routes) {
                c.routes.addHttpHandler(
                        route.method(),
                        withoutTrailingSlash(route.path()),
                        route.auth()
                                ? ctx -> {
                                    Caller caller;
                                    try {
                                        caller = route.plugin()
                                                ? authenticator.authenticate(
                                                        ctx.header("Authorization"),
                                                        ctx.header(Authenticator.PLUGIN_SECRET_HEADER))
                                                : authenticator.authenticate(authorization(ctx, route, loopbackToken));
                                    } catch (AuthFailure e) {
                                        // Guessing credentials costs the guesser's address its budget too.
                                        limits.check("address:" + ctx.req().getRemoteAddr());
                                        throw e;
                                    }
                                    limits.check(caller.key());
                                    if (!caller.mayCallTool(route.scope())) {
                                        throw AuthFailure.forbidden(
                                                "tool_not_allowed",
                                                "this token's allowed_tools do not "
                                                        + "include '" + route.scope() + "', which " + route.method()
                                                        + " "
                                                        + route.path() + " needs");
                                    }
                                    ctx.attribute(Requests.CALLER, caller);
                                    AccessLog.principal(caller.principal());
                                    route.handler().handle(ctx);
                                }
                                : route.handler());
            }
            c.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
            c.routes.exception(RateLimits.Limited.class, (e, ctx) -> {
                metrics.rateLimited();
                ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
                error(ctx, 429, "rate_limited", e.getMessage());
            });
            c.routes.exception(AuthFailure.class, (e, ctx) -> {
                metrics.authFailure(e.code());
                if (e.status() == 401) {
                    ctx.header(
                            "WWW-Authenticate",
                            "missing_credentials".equals(e.code())
                                    ? "Bearer realm=\"mnemo\""
                                    : "Bearer realm=\"mnemo\", error=\"invalid_token\"");
                }
                error(ctx, e.status(), e.code(), e.getMessage());
            });
            c.routes.exception(
                    ProcedureFailure.class, (e, ctx) -> error(ctx, status(e.code()), e.code(), e.getMessage()));
            c.routes.exception(
                    HttpResponseException.class,
                    (e, ctx) -> error(
                            ctx,
                            e.getStatus(),
                            switch (e.getStatus()) {
                                case 404 -> "not_found";
                                case 405 -> "method_not_allowed";
                                case 413 -> "body_too_large";
                                default -> "http_error";
                            },
                            e.getStatus() == 413
                                    ? "the body is larger than " + config.maxBodyBytes() + " bytes "
                                            + "(MNEMO_MAX_BODY_BYTES)"
                                    : e.getMessage()));
            c.routes.exception(Exception.class, (e, ctx) -> {
                if (e instanceof ServiceUnavailableException || e instanceof SessionExpiredException) {
                    error(ctx, 503, "database_unavailable", "the database cannot be reached; try again");
                    return;
                }
                if (e instanceof TransientException) {
                    // Neo4j gave up for now (a follower not yet at the caller's bookmark, a lock wait timed out).
                    LOG.warn(
                            "request {} {} answered 503 database_busy (request id {}): {} {}",
                            ctx.method(),
                            route(ctx),
                            ctx.res().getHeader(REQUEST_ID),
                            ((TransientException) e).code(),
                            e.getMessage());
                    error(ctx, 503, "database_busy", "the database could not answer in time; try again");
                    return;
                }
                LOG.error(
                        "request {} {} failed (request id {})",
                        ctx.method(),
                        route(ctx),
                        ctx.res().getHeader(REQUEST_ID),
                        e);
                error(ctx, 500, "internal_error", "an internal error occurred; quote the request id when reporting");
            });
            c.routes.error(404, ctx -> {
                if (ctx.result() == null) {
                    error(ctx, 404, "not_found", "no route " + ctx.method() + " " + ctx.path());
                }
            });
            c.routes.after(ctx -> {
                MnemoClient.afterBookmarks(null);
                // Only an authenticated caller learns where the database's writes have got to.
                if (!ctx.method().name().equals("GET") && ctx.attribute(Requests.CALLER) != null) {
                    ctx.header(BOOKMARK, bookmarks.sign(services.client().bookmarks()));
                }
                Long started = ctx.attribute(STARTED);
                double seconds = started == null ? 0 : (System.nanoTime() - started) / 1e9;
                String route = route(ctx);
                metrics.request(ctx.method().name(), route, ctx.statusCode(), seconds);
                Caller caller = ctx.attribute(Requests.CALLER);
                AccessLog.http(
                        ctx.res().getHeader(REQUEST_ID),
                        caller == null ? null : caller.principal(),
                        ctx.method().name(),
                        route,
                        ctx.statusCode(),
                        seconds);
            });
        });
        app.start();
        return new GatewayServer(app, List.copyOf(routes));
    }

    public int port() {
        return app.port();
    }

    public List<Route> routes() {
        return routes;
    }

    /** The paths Javalin actually serves, as registered (for the test that holds the OpenAPI document to them). */
    public List<String> servedRoutes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(e -> e.endpoint.method.isHttpMethod())
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
                .toList();
    }

    @Override
    public void close() {
        app.stop();
    }

    /**
     * The request's Authorization header; for an AtoCore route without one, from this machine, and only when the
     * operator configured it (MNEMO_CONTEXT_LOOPBACK_TOKEN), the configured token's: an unmodified single-user
     * client then acts with exactly that token's grants.
     */
    private static String authorization(Context ctx, Route route, String loopbackToken) {
        String header = ctx.header("Authorization");
        if ((header == null || header.isBlank())
                && loopbackToken != null
                && route.path().startsWith("/atocore/")) {
            try {
                if (java.net.InetAddress.getByName(ctx.req().getRemoteAddr()).isLoopbackAddress()) {
                    return "Bearer " + loopbackToken;
                }
            } catch (java.net.UnknownHostException e) {
                return header;
            }
        }
        return header;
    }

    /**
     * A body somewhat over the limit is read and discarded before the 413 is sent: closing a connection the client is
     * still writing to resets it, and the client then sees a broken connection instead of the answer. A far larger
     * body is not worth reading: the connection is closed.
     */
    private static void refuseOversized(Context ctx, long maxBodyBytes) throws java.io.IOException {
        if (ctx.contentLength() <= OVERSIZED_DRAIN_FACTOR * maxBodyBytes) {
            ctx.req().getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        } else {
            ctx.header("Connection", "close");
        }
    }

    private static String withoutTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** The route template of a request (never its concrete path, which may hold ids). */
    private static String route(Context ctx) {
        try {
            Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
            if (endpoint == null
                    && (ctx.path().equals(ConsoleFiles.PATH) || ctx.path().startsWith(ConsoleFiles.PATH + "/"))) {
                return ConsoleFiles.PATH; // the console's static files, one label for all of them
            }
            return endpoint == null ? "unmatched" : endpoint.path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }

    static int status(String code) {
        return switch (code) {
            case "name_conflict",
                    "owner_conflict",
                    "library_type_immutable",
                    "lease_lost",
                    "ambiguous_id",
                    "alias_taken",
                    "conflict" -> 409;
            case "not_found" -> 404;
            case "namespace_forbidden", "workspace_forbidden", "owner_required", "capability_required" -> 403;
            case "id_conflict",
                    "workspace_has_children",
                    "workspace_tree_cycle",
                    "workspace_tree_broken",
                    "workspace_tree_too_deep" -> 409;
            case "schema_missing", "schema_not_ready", "schema_dimension_mismatch" -> 503;
            default -> 400;
        };
    }

    private static void error(Context ctx, int status, String code, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("detail", detail);
        body.put("request_id", ctx.res().getHeader(REQUEST_ID));
        Json.send(ctx, status, body);
    }
}
