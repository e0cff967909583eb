package org.mnemo.procedures.options;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed reads from a procedure's options map. Unknown keys are rejected with the list of allowed ones, and every
 * message names the procedure and the key so that an analyst can fix the call.
 */
public final class Options {
    private final String procedure;
    private final Map<String, Object> values;

    private Options(String procedure, Map<String, Object> values) {
        this.procedure = procedure;
        this.values = values;
    }

    public static Options of(String procedure, Map<String, Object> values, Set<String> allowed) {
        Map<String, Object> map = values == null ? Map.of() : values;
        Set<String> unknown = new TreeSet<>(map.keySet());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    procedure + ": unknown option(s) " + unknown + "; allowed: " + new TreeSet<>(allowed));
        }
        return new Options(procedure, map);
    }

    public boolean has(String key) {
        return values.get(key) != null;
    }

    public String string(String key, String fallback) {
        Object value = values.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof String s)) {
            throw error(key, "must be a string, got " + typeName(value));
        }
        return s;
    }

    public long integer(String key, long fallback, long min, long max) {
        Object value = values.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Long || value instanceof Integer)) {
            throw error(key, "must be an integer, got " + typeName(value));
        }
        long n = ((Number) value).longValue();
        if (n < min || n > max) {
            throw error(key, "must be " + min + ".." + max + ", got " + n);
        }
        return n;
    }

    public double number(String key, double fallback, double min, double max) {
        Object value = values.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number number)) {
            throw error(key, "must be a number, got " + typeName(value));
        }
        double n = number.doubleValue();
        if (!(n >= min && n <= max)) {
            throw error(key, "must be " + min + ".." + max + ", got " + n);
        }
        return n;
    }

    public boolean bool(String key, boolean fallback) {
        Object value = values.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean b)) {
            throw error(key, "must be true or false, got " + typeName(value));
        }
        return b;
    }

    public List<String> strings(String key, List<String> fallback) {
        Object value = values.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw error(key, "must be a list of strings, got " + typeName(value));
        }
        return list.stream().map(String.class::cast).toList();
    }

    public Object raw(String key) {
        return values.get(key);
    }

    public IllegalArgumentException error(String key, String problem) {
        return new IllegalArgumentException(procedure + ": '" + key + "' " + problem);
    }

    private static String typeName(Object value) {
        if (value instanceof List<?>) {
            return "a list";
        }
        if (value instanceof Map<?, ?>) {
            return "a map";
        }
        return value.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " " + value;
    }
}
