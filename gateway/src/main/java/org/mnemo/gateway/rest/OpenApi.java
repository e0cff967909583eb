package org.mnemo.gateway.rest;

import org.mnemo.gateway.web.Route;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The OpenAPI 3 document, built from the same route list Javalin serves, so the two cannot drift apart. */
final class OpenApi {
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([a-z_]+)}");

    private OpenApi() {}

    static Map<String, Object> document(List<Route> routes, String version) {
        Map<String, Object> paths = new TreeMap<>();
        for (Route route : routes) {
            @SuppressWarnings("unchecked")
            Map<String, Object> operations = (Map<String, Object>) paths.computeIfAbsent(route.path(),
                    p -> new LinkedHashMap<String, Object>());
            operations.put(route.method().name().toLowerCase(Locale.ROOT), operation(route));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.0.3");
        doc.put("info", Map.of("title", "Mnemo gateway", "version", version, "description",
                "REST API of Mnemo: libraries, ingest, hybrid search, teams and tokens. Errors are JSON "
                        + "{code, detail}. See docs/rest-api.md and docs/auth.md."));
        doc.put("paths", paths);
        doc.put("components", Map.of(
                "securitySchemes", Map.of("bearer", Map.of("type", "http", "scheme", "bearer",
                        "description", "An opaque Mnemo token, a Daedalus per-turn JWT or a team JWT")),
                "schemas", Map.of("Error", Map.of("type", "object", "required", List.of("code", "detail"),
                        "properties", Map.of(
                                "code", Map.of("type", "string", "description", "Stable machine-readable code"),
                                "detail", Map.of("type", "string"),
                                "request_id", Map.of("type", "string"))))));
        return doc;
    }

    private static Map<String, Object> operation(Route route) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("tags", List.of(route.tag()));
        op.put("summary", route.summary());
        op.put("operationId", route.method().name().toLowerCase(Locale.ROOT)
                + route.path().replaceAll("[^A-Za-z0-9]+", "_").replaceAll("_+$", ""));
        List<Map<String, Object>> parameters = new ArrayList<>();
        Matcher m = PATH_PARAM.matcher(route.path());
        while (m.find()) {
            parameters.add(Map.of("name", m.group(1), "in", "path", "required", true,
                    "schema", Map.of("type", "string")));
        }
        if (!parameters.isEmpty()) {
            op.put("parameters", parameters);
        }
        if (route.body() != null) {
            op.put("requestBody", Map.of("required", true, "content", Map.of("application/json",
                    Map.of("schema", Map.of("type", "object", "description", route.body())))));
        }
        Map<String, Object> responses = new LinkedHashMap<>();
        String success = route.method() == HandlerType.DELETE ? "204"
                : route.method() == HandlerType.POST && route.body() != null ? "201" : "200";
        responses.put(success, Map.of("description", success.equals("204") ? "Done, no content" : "Success"));
        responses.put("default", Map.of("description", "Error", "content", Map.of("application/json",
                Map.of("schema", Map.of("$ref", "#/components/schemas/Error")))));
        op.put("responses", responses);
        op.put("security", route.auth() ? List.of(Map.of("bearer", List.of())) : List.of());
        if (route.scope() != null) {
            // The allowed_tools entry a restricted token needs for this route (docs/security.md).
            op.put("x-mnemo-scope", route.scope());
        }
        return op;
    }
}
