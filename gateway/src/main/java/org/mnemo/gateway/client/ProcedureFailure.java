package org.mnemo.gateway.client;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.neo4j.driver.exceptions.ClientException;

/**
 * A procedure refused its arguments (it threw IllegalArgumentException): the caller's fault, with the procedure's
 * stable code when its message starts with one ({@code name_conflict: …}), else {@code invalid_argument}.
 */
public final class ProcedureFailure extends RuntimeException {
    private static final Pattern CAUSE = Pattern.compile("IllegalArgumentException: (.*)", Pattern.DOTALL);
    private static final Pattern CODE = Pattern.compile("([a-z][a-z_]+): (.*)", Pattern.DOTALL);

    private final String code;

    private ProcedureFailure(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The failure a client exception stands for, or null when it is not an argument error of a procedure. */
    static ProcedureFailure of(ClientException e) {
        String text = String.valueOf(e.getMessage());
        if ("Neo.ClientError.Schema.ConstraintValidationFailed".equals(e.code())
                || text.contains("IndexEntryConflictException")) {
            // Two writers raced for a unique name (a project alias, an id): the unique constraint let one win.
            return new ProcedureFailure(
                    "conflict", "a concurrent request took the same name or id first; read " + "again and retry");
        }
        Matcher cause = CAUSE.matcher(text);
        if (!cause.find()) {
            return null;
        }
        String message = cause.group(1).strip();
        Matcher code = CODE.matcher(message);
        return code.matches() && !code.group(1).startsWith("mnemo")
                ? new ProcedureFailure(code.group(1), code.group(2))
                : new ProcedureFailure("invalid_argument", message);
    }
}
