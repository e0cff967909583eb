package org.mnemo.procedures.namespace;

import java.util.Locale;

/** What a principal may do in a workspace: read, write, or also destroy and manage (owner). Ordered. */
public enum Role {
    READER,
    WRITER,
    OWNER;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named by {@code value} (reader, writer or owner); an error naming {@code what} otherwise. */
    public static Role parse(Object value, String what) {
        if (value instanceof String s) {
            for (Role role : values()) {
                if (role.key().equals(s.strip().toLowerCase(Locale.ROOT))) {
                    return role;
                }
            }
        }
        throw new IllegalArgumentException(what + " must be reader, writer or owner, got '" + value + "'");
    }

    /** The lesser of two roles; null (no access) wins. */
    public static Role min(Role a, Role b) {
        return a == null || b == null ? null : a.compareTo(b) <= 0 ? a : b;
    }

    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }
}
