package org.mnemo.gateway.web;

/** An error the caller caused (or a dependency that is down), answered as JSON {@code {code, detail, request_id}}. */
public final class ApiError extends RuntimeException {
    /** The body of every error the gateway answers, whoever raised it (also the HTTP server's own, before routing). */
    public static final Schema SCHEMA = Schema.object("An error: a stable code to branch on, a human detail and "
                    + "the request id (also in X-Request-Id)")
            .required("code", Schema.string("Stable, machine-readable: docs/rest-api.md#errors"))
            .required("detail", Schema.string("What went wrong and, where it can, how to fix it"))
            .optional(
                    "request_id",
                    Schema.string("The request's id, as in the X-Request-Id header")
                            .nullable())
            .example(java.util.Map.of(
                    "code",
                    "invalid_field",
                    "detail",
                    "'library_type' is required",
                    "request_id",
                    "8f73ba0d-4d55-4a57-9a4e-3b1c2f0e9a11"))
            .named("Error");

    private final int status;
    private final String code;

    public ApiError(int status, String code, String detail) {
        super(detail);
        this.status = status;
        this.code = code;
    }

    public static ApiError badRequest(String code, String detail) {
        return new ApiError(400, code, detail);
    }

    public static ApiError notFound(String what) {
        return new ApiError(404, "not_found", what + " not found");
    }

    public static ApiError conflict(String code, String detail) {
        return new ApiError(409, code, detail);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
