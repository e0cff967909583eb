package org.mnemo.gateway.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/** JSON in and out: one mapper, dates as ISO-8601, and request bodies checked field by field. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private Json() {}

    public static void send(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a response as JSON", e);
        }
    }

    /** The request body as a JSON object (400 {@code malformed_json} / {@code invalid_body} otherwise). */
    public static Body body(Context ctx) {
        byte[] raw = ctx.bodyAsBytes();
        if (raw.length == 0) {
            throw ApiError.badRequest("invalid_body", "the request needs a JSON object body");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(raw);
        } catch (java.io.IOException e) {
            throw ApiError.badRequest(
                    "malformed_json",
                    "the body is not valid JSON: "
                            + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiError.badRequest("invalid_body", "the body must be a JSON object");
        }
        return new Body(object);
    }

    /** A JSON object body; every accessor names the field in its error. */
    public record Body(ObjectNode node) {
        public boolean has(String field) {
            return node.hasNonNull(field);
        }

        public String string(String field, int maxLength) {
            String value = optionalString(field, maxLength);
            if (value == null) {
                throw invalid(field, "is required");
            }
            return value;
        }

        public String optionalString(String field, int maxLength) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isTextual()) {
                throw invalid(field, "must be a string");
            }
            String text = value.asText().strip();
            if (text.isEmpty()) {
                throw invalid(field, "must not be empty");
            }
            if (text.length() > maxLength) {
                throw invalid(field, "must be at most " + maxLength + " characters");
            }
            return text;
        }

        public int integer(String field, int fallback, int min, int max) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
                throw invalid(field, "must be a whole number in " + min + ".." + max);
            }
            return value.asInt();
        }

        /** limit (1..200, default 50) and offset (≥ 0) from the body. */
        public Requests.Page page() {
            return new Requests.Page(
                    integer("limit", 50, 1, Requests.MAX_LIMIT), integer("offset", 0, 0, Integer.MAX_VALUE));
        }

        /** A page whose limit above the maximum is cut to it (MCP's documented behaviour), not refused. */
        public Requests.Page cappedPage() {
            return new Requests.Page(
                    Math.min(Requests.MAX_LIMIT, integer("limit", 50, 1, Integer.MAX_VALUE)),
                    integer("offset", 0, 0, Integer.MAX_VALUE));
        }

        public boolean bool(String field, boolean fallback) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.isBoolean()) {
                throw invalid(field, "must be true or false");
            }
            return value.asBoolean();
        }

        /** A list of non-empty strings, or null when absent. */
        public List<String> strings(String field, int maxItems) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isArray() || value.size() > maxItems) {
                throw invalid(field, "must be a list of at most " + maxItems + " strings");
            }
            List<String> strings = new ArrayList<>();
            for (JsonNode element : value) {
                if (!element.isTextual()
                        || element.asText().isBlank()
                        || element.asText().length() > 200) {
                    throw invalid(field, "must hold non-empty strings of at most 200 characters");
                }
                strings.add(element.asText().strip());
            }
            return strings;
        }

        private static ApiError invalid(String field, String problem) {
            return ApiError.badRequest("invalid_field", "'" + field + "' " + problem);
        }
    }
}
