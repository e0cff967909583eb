package org.mnemo.gateway.mcp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders for the tools' JSON Schemas (plain objects at the top: some clients reject anyOf there). */
final class Schemas {
    private Schemas() {}

    static Map<String, Object> object(Map<String, Object> properties, String... required) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (required.length > 0) {
            schema.put("required", List.of(required));
        }
        return schema;
    }

    static Map<String, Object> string(String description) {
        return Map.of("type", "string", "description", description);
    }

    static Map<String, Object> nullableString(String description) {
        return Map.of("type", List.of("string", "null"), "description", description);
    }

    static Map<String, Object> enumeration(String description, List<String> values) {
        return Map.of("type", "string", "description", description, "enum", values);
    }

    static Map<String, Object> integer(String description, int defaultValue, int min, int max) {
        return Map.of(
                "type", "integer", "description", description, "default", defaultValue, "minimum", min, "maximum", max);
    }

    static Map<String, Object> bool(String description, boolean defaultValue) {
        return Map.of("type", "boolean", "description", description, "default", defaultValue);
    }

    static Map<String, Object> number(String description) {
        return Map.of("type", "number", "description", description);
    }

    static Map<String, Object> array(String description, Map<String, Object> items) {
        return Map.of("type", "array", "description", description, "items", items);
    }

    static Map<String, Object> anyObject(String description) {
        return Map.of("type", "object", "description", description);
    }

    /** A listing, as REST answers it: results of one page and where the next page starts. */
    static Map<String, Object> page(String key) {
        return object(
                props(
                        key,
                        array("The " + key + " of this page", anyObject("One of the " + key)),
                        "limit",
                        Map.of("type", "integer"),
                        "offset",
                        Map.of("type", "integer"),
                        "next_offset",
                        Map.of(
                                "type",
                                List.of("integer", "null"),
                                "description",
                                "Offset of the next page, null after the last")),
                key,
                "limit",
                "offset");
    }

    /** An ordered properties map from alternating names and schemas. */
    static Map<String, Object> props(Object... namesAndSchemas) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (int i = 0; i < namesAndSchemas.length; i += 2) {
            properties.put((String) namesAndSchemas[i], namesAndSchemas[i + 1]);
        }
        return properties;
    }
}
