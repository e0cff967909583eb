package org.mnemo.gateway.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mnemo.gateway.web.ApiError;
import org.mnemo.gateway.web.Route;
import org.mnemo.gateway.web.Schema;

/**
 * The OpenAPI 3.1 document, built from the same route list Javalin serves — paths, request bodies, query parameters
 * and responses from each {@link Route}'s declarations, shared shapes as components — so the two cannot drift apart.
 */
final class OpenApi {
    static final String VERSION = "3.1.0";
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([a-z_]+)}");
    /** The shared error responses: status, component name, what it means. */
    private static final List<List<String>> ERRORS = List.of(
            List.of(
                    "400",
                    "BadRequest",
                    "The body or a parameter is invalid (malformed_json, invalid_body, "
                            + "invalid_field, invalid_parameter, invalid_argument, …)"),
            List.of(
                    "401",
                    "Unauthorized",
                    "No valid credential (missing_credentials, token_expired, token_revoked, "
                            + "…; with WWW-Authenticate: Bearer)"),
            List.of(
                    "403",
                    "Forbidden",
                    "The credential may not do this (read_only_credential, tool_not_allowed, "
                            + "admin_required, workspace_forbidden, …)"),
            List.of(
                    "404",
                    "NotFound",
                    "Not found, or not visible to the caller (not_found; not_registered for " + "ingest)"),
            List.of(
                    "default",
                    "Error",
                    "Any other error (409 conflicts, 413, 415, 422, 429 rate_limited, 5xx), "
                            + "with a stable code: docs/rest-api.md#errors"));

    private OpenApi() {}

    static Map<String, Object> document(List<Route> routes, String version) {
        Schema.Components components = new Schema.Components();
        Map<String, Object> paths = new TreeMap<>();
        for (Route route : routes) {
            @SuppressWarnings("unchecked")
            Map<String, Object> operations =
                    (Map<String, Object>) paths.computeIfAbsent(route.path(), p -> new LinkedHashMap<String, Object>());
            operations.put(route.method().name().toLowerCase(Locale.ROOT), operation(route, components));
        }
        Map<String, Object> responses = new LinkedHashMap<>();
        for (List<String> error : ERRORS) {
            responses.put(
                    error.get(1),
                    Map.of(
                            "description",
                            error.get(2),
                            "content",
                            Map.of("application/json", Map.of("schema", ApiError.SCHEMA.render(components)))));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", VERSION);
        doc.put(
                "info",
                Map.of(
                        "title",
                        "Mnemo gateway",
                        "version",
                        version,
                        "description",
                        "REST API of Mnemo: libraries, ingest, hybrid search, memory, project context, teams and tokens. "
                                + "Errors are JSON {code, detail, request_id}. See docs/rest-api.md and docs/auth.md."));
        doc.put("jsonSchemaDialect", "https://spec.openapis.org/oas/3.1/dialect/base");
        doc.put("paths", paths);
        Map<String, Object> componentMap = new LinkedHashMap<>();
        componentMap.put("schemas", components.schemas());
        componentMap.put("responses", responses);
        componentMap.put(
                "securitySchemes",
                Map.of(
                        "bearer",
                                Map.of(
                                        "type",
                                        "http",
                                        "scheme",
                                        "bearer",
                                        "description",
                                        "An opaque Mnemo token, a Daedalus per-turn JWT or a team JWT"),
                        "pluginSecret",
                                Map.of(
                                        "type",
                                        "apiKey",
                                        "in",
                                        "header",
                                        "name",
                                        "X-Mnemo-Plugin-Secret",
                                        "description",
                                        "The memory plugin's shared secret, in its trusted mode only (/v1/ routes; "
                                                + "MNEMO_PLUGIN_SECRET)")));
        doc.put("components", componentMap);
        return doc;
    }

    /** The operation id a generated client names its method after: method and path, e.g. get_library_api_jobs_id. */
    static String operationId(Route route) {
        return route.method().name().toLowerCase(Locale.ROOT)
                + route.path().replaceAll("[^A-Za-z0-9]+", "_").replaceAll("_+$", "");
    }

    private static Map<String, Object> operation(Route route, Schema.Components components) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("tags", List.of(route.tag()));
        op.put("summary", route.summary());
        op.put("operationId", operationId(route));
        List<Map<String, Object>> parameters = new ArrayList<>();
        Matcher m = PATH_PARAM.matcher(route.path());
        boolean pathParameters = false;
        while (m.find()) {
            pathParameters = true;
            parameters.add(
                    Map.of("name", m.group(1), "in", "path", "required", true, "schema", Map.of("type", "string")));
        }
        for (Route.Parameter parameter : route.parameters()) {
            parameters.add(Map.of(
                    "name",
                    parameter.name(),
                    "in",
                    parameter.in(),
                    "required",
                    false,
                    "schema",
                    parameter.schema().render(components)));
        }
        if (!parameters.isEmpty()) {
            op.put("parameters", parameters);
        }
        if (route.body() != null) {
            Map<String, Object> content = new LinkedHashMap<>();
            content.put("application/json", Map.of("schema", route.body().render(components)));
            if (route.form() != null) {
                content.put("multipart/form-data", Map.of("schema", route.form().render(components)));
            }
            op.put("requestBody", Map.of("required", true, "content", content));
        }
        Map<String, Object> responses = new LinkedHashMap<>();
        for (Route.Response response : route.responses()) {
            Map<String, Object> described = new LinkedHashMap<>();
            described.put("description", response.description());
            if (response.schema() != null) {
                described.put(
                        "content",
                        Map.of(
                                response.mediaType(),
                                Map.of("schema", response.schema().render(components))));
            }
            responses.put(Integer.toString(response.status()), described);
        }
        for (List<String> error : ERRORS) {
            boolean applies = switch (error.get(0)) {
                case "400" ->
                    route.body() != null || route.parameters().stream().anyMatch(p -> p.in().equals("query"));
                case "401", "403" -> route.auth();
                case "404" -> pathParameters;
                default -> true;
            };
            if (applies && !responses.containsKey(error.get(0))) {
                responses.put(error.get(0), Map.of("$ref", "#/components/responses/" + error.get(1)));
            }
        }
        op.put("responses", responses);
        // The plugin contract's trusted mode takes its shared secret instead of a bearer (docs/memory.md).
        op.put(
                "security",
                !route.auth()
                        ? List.of()
                        : route.plugin()
                                ? List.of(Map.of("bearer", List.of()), Map.of("pluginSecret", List.of()))
                                : List.of(Map.of("bearer", List.of())));
        if (route.scope() != null) {
            // The allowed_tools entry a restricted token needs for this route (docs/security.md).
            op.put("x-mnemo-scope", route.scope());
        }
        return op;
    }
}
