package org.mnemo.gateway.web;

/** An error the caller caused (or a dependency that is down), answered as JSON {@code {code, detail}}. */
public final class ApiError extends RuntimeException {
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
