package org.mnemo.gateway.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) of a request or response body, declared in code next to
 * the route that reads or answers it. Immutable: every method returns a new schema. A schema given a name with
 * {@link #named} is a component: the OpenAPI document holds it once under {@code components/schemas} and refers to
 * it by {@code $ref} wherever it is used.
 */
public final class Schema {
    private final String name;
    private final Map<String, Object> json;

    private Schema(String name, Map<String, Object> json) {
        this.name = name;
        this.json = json;
    }

    private static Schema of(String type, String description) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", type);
        if (description != null) {
            json.put("description", description);
        }
        return new Schema(null, json);
    }

    public static Schema string(String description) {
        return of("string", description);
    }

    /** An RFC 3339 date-time, as the gateway writes every time it answers. */
    public static Schema dateTime(String description) {
        return string(description).with("format", "date-time");
    }

    public static Schema integer(String description) {
        return of("integer", description);
    }

    public static Schema number(String description) {
        return of("number", description);
    }

    public static Schema bool(String description) {
        return of("boolean", description);
    }

    public static Schema array(String description, Schema items) {
        return of("array", description).with("items", items);
    }

    public static Schema strings(String description) {
        return array(description, string(null));
    }

    /** An object with the properties added by {@link #required} and {@link #optional}; others are allowed. */
    public static Schema object(String description) {
        return of("object", description);
    }

    /** A JSON object whose keys the caller chooses (metadata, per-leg scores). */
    public static Schema map(String description, Schema values) {
        return of("object", description).with("additionalProperties", values);
    }

    /** Any JSON value (a value a client stores and gets back as it was). */
    public static Schema any(String description) {
        return new Schema(null, description == null ? Map.of() : Map.of("description", description));
    }

    /**
     * The listing envelope of {@link Requests.Page#wrap}: one page of results and where the next one starts. Named
     * after its item's component ({@code LibraryPage} for {@code Library}).
     */
    public static Schema page(Schema item) {
        Schema page = object("One page of results; next_offset is null after the last page")
                .required("results", array("This page's results", item))
                .required("limit", integer("The page size asked for").range(1, Requests.MAX_LIMIT))
                .required("offset", integer("Where this page starts").range(0, Integer.MAX_VALUE))
                .required(
                        "next_offset",
                        integer("The offset of the next page, or null after the last")
                                .nullable());
        return item.name == null ? page : page.named(item.name + "Page");
    }

    /** An ordered JSON object for an example, from alternating names and values (values may be null). */
    public static Map<String, Object> fields(Object... namesAndValues) {
        Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            object.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(object);
    }

    /** A required property of an object. */
    public Schema required(String property, Schema schema) {
        Schema withProperty = optional(property, schema);
        List<Object> required = new ArrayList<>(listOf(withProperty.json.get("required")));
        required.add(property);
        return withProperty.with("required", List.copyOf(required));
    }

    /** A property of an object that may be absent. */
    public Schema optional(String property, Schema schema) {
        if (!"object".equals(json.get("type"))) {
            throw new IllegalStateException("'" + property + "' is a property, and " + this + " is no object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> properties =
                new LinkedHashMap<>((Map<String, Object>) json.getOrDefault("properties", Map.of()));
        if (properties.put(property, schema) != null) {
            throw new IllegalStateException("property '" + property + "' is declared twice");
        }
        return with("properties", properties);
    }

    /** The value may also be null (JSON Schema 2020-12: {@code "type": [t, "null"]}). */
    public Schema nullable() {
        if (name != null) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("anyOf", List.of(this, new Schema(null, Map.of("type", "null"))));
            return new Schema(null, json);
        }
        Object type = json.get("type");
        if (!(type instanceof String single)) {
            throw new IllegalStateException("only a schema of one type can be made nullable: " + json);
        }
        Schema nullable = with("type", List.of(single, "null"));
        if (json.containsKey("enum")) {
            List<Object> values = new ArrayList<>(listOf(json.get("enum")));
            values.add(null);
            nullable = nullable.with("enum", java.util.Collections.unmodifiableList(values));
        }
        return nullable;
    }

    /** The only values allowed. */
    public Schema values(String... values) {
        return with("enum", List.of(values));
    }

    public Schema range(long minimum, long maximum) {
        return with("minimum", minimum).with("maximum", maximum);
    }

    public Schema maxLength(int maxLength) {
        return with("maxLength", maxLength);
    }

    public Schema defaultsTo(Object value) {
        return with("default", value);
    }

    public Schema describe(String description) {
        return with("description", description);
    }

    /** An example value, shown in the document and checked against this schema by the tests. */
    public Schema example(Object example) {
        return with("examples", List.of(example));
    }

    /** This schema as a component of the document under {@code name}. */
    public Schema named(String componentName) {
        return new Schema(componentName, json);
    }

    /** A copy with one more keyword (any JSON Schema keyword the builders above do not cover). */
    public Schema with(String keyword, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(json);
        copy.put(keyword, value);
        return new Schema(name, copy);
    }

    /**
     * This schema as JSON for the document: a component as its {@code $ref}, its definition added to
     * {@code components} (once; two different schemas under one name are refused).
     */
    public Map<String, Object> render(Components components) {
        if (name != null) {
            components.add(this);
            return Map.of("$ref", "#/components/schemas/" + name);
        }
        return definition(components);
    }

    private Map<String, Object> definition(Components components) {
        Map<String, Object> out = new LinkedHashMap<>();
        json.forEach((k, v) -> out.put(k, renderValue(v, components)));
        return out;
    }

    private static Object renderValue(Object value, Components components) {
        if (value instanceof Schema schema) {
            return schema.render(components);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put((String) k, renderValue(v, components)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(renderValue(v, components)));
            return out;
        }
        return value;
    }

    private static List<?> listOf(Object value) {
        return value == null ? List.of() : (List<?>) value;
    }

    /** Schemas are values: the same name and keywords are the same schema (a page of Library made twice, say). */
    @Override
    public boolean equals(Object other) {
        return other instanceof Schema that && java.util.Objects.equals(name, that.name) && json.equals(that.json);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(name, json);
    }

    @Override
    public String toString() {
        return name != null ? name : json.toString();
    }

    /** The named schemas a document uses, each rendered once, by name. */
    public static final class Components {
        private final Map<String, Schema> named = new java.util.HashMap<>();
        private final Map<String, Object> schemas = new TreeMap<>();

        void add(Schema schema) {
            Schema known = named.putIfAbsent(schema.name, schema);
            if (known != null) {
                if (!known.equals(schema)) {
                    throw new IllegalStateException("two different schemas are named '" + schema.name + "'");
                }
                return;
            }
            schemas.put(schema.name, schema.definition(this));
        }

        public Map<String, Object> schemas() {
            return schemas;
        }
    }
}
