package org.mnemo.gateway.memory;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.web.Json;

/**
 * Checks responses against the published OpenAPI document: the operation must document the status, and the body
 * must match its schema (type, required, properties, items, enum, nullable; $ref within the document).
 */
final class OpenApiResponses {
    private final JsonNode doc;

    OpenApiResponses(Path file) throws IOException {
        this.doc = Json.MAPPER.readTree(file.toFile());
    }

    /** The problems of a response of {@code method path} with {@code status}; empty when it conforms. */
    List<String> check(String path, String method, int status, JsonNode body) {
        List<String> problems = new ArrayList<>();
        JsonNode operation = doc.path("paths").path(path).path(method.toLowerCase());
        if (operation.isMissingNode()) {
            return List.of("undocumented operation " + method + " " + path);
        }
        JsonNode response = resolve(operation.path("responses").path(Integer.toString(status)));
        if (response.isMissingNode()) {
            return List.of("status " + status + " is not documented for " + method + " " + path);
        }
        JsonNode schema = response.path("content").path("application/json").path("schema");
        if (!schema.isMissingNode()) {
            validate(resolve(schema), body, "$", problems);
        }
        return problems;
    }

    private JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            String[] parts = node.get("$ref").asText().substring(2).split("/");
            JsonNode target = doc;
            for (String part : parts) {
                target = target.path(part);
            }
            node = target;
        }
        return node;
    }

    private void validate(JsonNode schema, JsonNode value, String at, List<String> problems) {
        if (value == null || value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                problems.add(at + " is null");
            }
            return;
        }
        String type = schema.path("type").asText("");
        boolean ok = switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
        if (!ok) {
            problems.add(at + " is not a " + type + ": " + value);
            return;
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode allowed : schema.get("enum")) {
                listed |= allowed.equals(value);
            }
            if (!listed) {
                problems.add(at + " = " + value + " is not one of " + schema.get("enum"));
            }
        }
        if (value.isObject()) {
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText())) {
                    problems.add(at + " lacks " + required.asText());
                }
            }
            Iterator<Map.Entry<String, JsonNode>> properties =
                    schema.path("properties").fields();
            while (properties.hasNext()) {
                Map.Entry<String, JsonNode> property = properties.next();
                if (value.has(property.getKey())) {
                    validate(
                            resolve(property.getValue()),
                            value.get(property.getKey()),
                            at + "." + property.getKey(),
                            problems);
                }
            }
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                validate(resolve(schema.get("items")), value.get(i), at + "[" + i + "]", problems);
            }
        }
    }
}
