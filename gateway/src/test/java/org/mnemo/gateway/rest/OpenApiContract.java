package org.mnemo.gateway.rest;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Holds real responses to the OpenAPI document a gateway serves: the operation the request matched must declare
 * the status (errors: the shared error responses), the media type must be the declared one, and a JSON body must
 * validate against the declared schema — checked by networknt's JSON Schema validator in the OpenAPI 3.1 dialect,
 * with format assertions on. {@link ApiClient} runs every response of the gateway tests through it when the system
 * property {@value #PROPERTY} is true (the gateway's surefire configuration sets it).
 */
public final class OpenApiContract {
    public static final String PROPERTY = "mnemo.openapi.validate";
    private static final String DOCUMENT = "https://mnemo.test/openapi.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, OpenApiContract> BY_BASE = new ConcurrentHashMap<>();
    /** Every METHOD template status a response was checked for, by any gateway (for the coverage test). */
    private static final Set<String> CHECKED = ConcurrentHashMap.newKeySet();

    private record Operation(String method, String template, Pattern pattern, JsonNode node) {}

    private final JsonNode doc;
    private final SchemaRegistry registry;
    private final List<Operation> operations = new ArrayList<>();
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    public OpenApiContract(String document) {
        this.doc = JSON.readTree(document);
        SchemaRegistryConfig config =
                SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build();
        this.registry = SchemaRegistry.withDefaultDialect(
                Dialects.getOpenApi31(),
                builder -> builder.schemaRegistryConfig(config).schemas(Map.of(DOCUMENT, document)));
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            String template = path.getKey();
            // Paths are served with and without their trailing slash.
            Pattern pattern = Pattern.compile(
                    Pattern.quote(template.replaceAll("/$", "")).replaceAll("\\{[a-z_]+}", "\\\\E[^/]+\\\\Q") + "/?");
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                operations.add(new Operation(
                        operation.getKey().toUpperCase(Locale.ROOT), template, pattern, operation.getValue()));
            }
        }
    }

    /** The contract of the gateway at {@code base} (its /openapi.json, fetched once), or null if it serves none. */
    public static OpenApiContract of(String base) {
        return BY_BASE.computeIfAbsent(base, b -> {
            try {
                HttpResponse<String> response = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(b + "/openapi.json"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(b + "/openapi.json answered " + response.statusCode());
                }
                return new OpenApiContract(response.body());
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + b + "/openapi.json", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    public static boolean enabled() {
        return Boolean.getBoolean(PROPERTY);
    }

    /** METHOD template status, for every response checked so far. */
    public static Set<String> checked() {
        return Set.copyOf(CHECKED);
    }

    public JsonNode document() {
        return doc;
    }

    /**
     * The ways a response differs from the document; empty when it conforms. A path no operation matches (an
     * unknown route, the console's files) must still answer its JSON errors in the error shape — except the MCP
     * endpoint, whose JSON-RPC is its own protocol (docs/mcp.md), not the document's.
     */
    public List<String> problems(String method, String path, int status, String contentType, String body) {
        Operation operation = operations.stream()
                .filter(o ->
                        o.method().equals(method) && o.pattern().matcher(path).matches())
                .findFirst()
                .orElse(null);
        String where = method + " " + (operation == null ? path : operation.template()) + " " + status;
        if (operation == null) {
            return status >= 400 && isJson(contentType) && !path.equals("/mcp") && !path.startsWith("/mcp/")
                    ? validate("/components/schemas/Error", body, where)
                    : List.of();
        }
        CHECKED.add(where);
        String pointer =
                "/paths/" + escape(operation.template()) + "/" + method.toLowerCase(Locale.ROOT) + "/responses/";
        JsonNode response = operation.node().path("responses").path(Integer.toString(status));
        pointer += status;
        if (response.isMissingNode() && status >= 400) {
            response = operation.node().path("responses").path("default");
            pointer = pointer.replaceAll("/\\d+$", "/default");
        }
        if (response.isMissingNode()) {
            return List.of(where + ": the document declares no response with this status");
        }
        if (response.has("$ref")) {
            pointer = response.get("$ref").asString().substring(1);
            response = at(pointer);
        }
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            return body.isEmpty()
                    ? List.of()
                    : List.of(where + ": declared without a body, but answered " + abbreviate(body));
        }
        String mediaType = contentType == null ? "" : contentType.split(";")[0].strip();
        if (!content.has(mediaType)) {
            return List.of(where + ": answered " + contentType + ", declared " + fieldNames(content));
        }
        if (!isJson(mediaType)) {
            return List.of();
        }
        return validate(pointer + "/content/" + escape(mediaType) + "/schema", body, where);
    }

    /** The problems of {@code json} against the schema at this JSON pointer of the document. */
    public List<String> validate(String pointer, String json, String where) {
        Schema schema =
                schemas.computeIfAbsent(pointer, p -> registry.getSchema(SchemaLocation.of(DOCUMENT + "#" + p)));
        List<Error> errors = schema.validate(json, InputFormat.JSON);
        List<String> problems = new ArrayList<>();
        for (Error error : errors) {
            problems.add(where + ": " + error.getInstanceLocation() + " " + error.getMessage());
        }
        return problems;
    }

    private JsonNode at(String pointer) {
        return doc.at(pointer);
    }

    private static boolean isJson(String contentType) {
        return contentType != null && contentType.startsWith("application/json");
    }

    /** A JSON pointer token (RFC 6901). */
    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        Iterator<String> it = node.propertyNames().iterator();
        it.forEachRemaining(names::add);
        return names;
    }

    static String abbreviate(String body) {
        return body.length() > 500 ? body.substring(0, 500) + "…" : body;
    }
}
