package org.mnemo.procedures.scope;

import java.util.List;

/**
 * The libraries a caller may read, as passed explicitly to every read procedure. An empty list means nothing
 * (fail closed); the single entry {@code "*"} means every library and is meant for administrators and analysts.
 */
public record Scope(boolean all, List<String> libraries) {
    public static final String ALL = "*";

    public static Scope of(List<String> libraries, String procedure) {
        if (libraries == null) {
            throw new IllegalArgumentException(procedure + ": 'libraries' is required: the list of library uids the "
                    + "caller may read (['*'] for all)");
        }
        if (libraries.contains(ALL)) {
            if (libraries.size() != 1) {
                throw new IllegalArgumentException(procedure + ": 'libraries' may hold '*' only on its own");
            }
            return new Scope(true, List.of());
        }
        for (String uid : libraries) {
            if (uid == null || uid.isBlank()) {
                throw new IllegalArgumentException(procedure + ": 'libraries' must not hold empty uids");
            }
        }
        return new Scope(false, List.copyOf(libraries));
    }

    public boolean isEmpty() {
        return !all && libraries.isEmpty();
    }

    /** Cypher that is true when the library bound to {@code variable} is in scope; pass {@link #parameters()}. */
    public static String predicate(String variable) {
        return "($scopeAll OR " + variable + ".uid IN $scopeLibraries)";
    }

    public java.util.Map<String, Object> parameters() {
        return java.util.Map.of("scopeAll", all, "scopeLibraries", libraries);
    }
}
