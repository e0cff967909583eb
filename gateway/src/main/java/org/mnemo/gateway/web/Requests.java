package org.mnemo.gateway.web;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.auth.Caller;

/** What handlers read from a request: the authenticated caller, query parameters, pagination. */
public final class Requests {
    /** The request attribute the authenticated caller is kept under (set by the server's auth handler). */
    public static final String CALLER = "mnemo.caller";

    public static final int MAX_LIMIT = 200;

    /** limit (1..200, default 50) and offset (≥ 0) from the query string. */
    public record Page(int limit, int offset) {
        public Map<String, Object> options() {
            Map<String, Object> options = new LinkedHashMap<>();
            options.put("limit", limit);
            options.put("offset", offset);
            return options;
        }

        /** The listing envelope: the page's results and where the next page starts (null after the last). */
        public Map<String, Object> wrap(List<?> results) {
            return wrap("results", results);
        }

        /** The same envelope with the results under {@code key} (MCP's list tools: libraries, items, …). */
        public Map<String, Object> wrap(String key, List<?> results) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put(key, results);
            body.put("limit", limit);
            body.put("offset", offset);
            body.put("next_offset", results.size() == limit ? offset + limit : null);
            return body;
        }
    }

    private Requests() {}

    public static Caller caller(Context ctx) {
        Caller caller = ctx.attribute(CALLER);
        if (caller == null) {
            throw new IllegalStateException("route " + ctx.path() + " is not declared as authenticated");
        }
        return caller;
    }

    /** The caller, who must be allowed to change things (an opaque token; JWTs only read). */
    public static Caller manager(Context ctx) {
        Caller caller = caller(ctx);
        caller.requireManager();
        return caller;
    }

    /** A row a procedure found for the caller, or 404 naming what was looked for. */
    public static <T> T found(T row, String what) {
        if (row == null) {
            throw ApiError.notFound(what);
        }
        return row;
    }

    /** The named entries of a row, in this order (absent ones as null). */
    public static Map<String, Object> pick(Map<String, Object> row, String... keys) {
        Map<String, Object> picked = new LinkedHashMap<>();
        for (String key : keys) {
            picked.put(key, row.get(key));
        }
        return picked;
    }

    public static Page page(Context ctx) {
        return new Page(integer(ctx, "limit", 50, 1, MAX_LIMIT), integer(ctx, "offset", 0, 0, Integer.MAX_VALUE));
    }

    public static int integer(Context ctx, String name, int fallback, int min, int max) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(
                    "invalid_parameter",
                    "'" + name + "' must be a whole number in " + min + ".." + max + ", got '" + value + "'");
        }
    }

    public static boolean bool(Context ctx, String name, boolean fallback) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default ->
                throw ApiError.badRequest(
                        "invalid_parameter", "'" + name + "' must be true or false, got '" + value + "'");
        };
    }

    /** An optional query parameter, stripped; blank counts as absent. */
    public static String text(Context ctx, String name) {
        String value = ctx.queryParam(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Puts a value that the caller gave; absent values stay out, so procedures use their defaults. */
    public static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
