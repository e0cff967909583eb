package org.mnemo.gateway.auth;

/** A refused request: 401 for credentials that do not authenticate, 403 for a caller that may not do this. */
public final class AuthFailure extends RuntimeException {
    private final int status;
    private final String code;

    private AuthFailure(int status, String code, String detail) {
        super(detail);
        this.status = status;
        this.code = code;
    }

    public static AuthFailure unauthenticated(String code, String detail) {
        return new AuthFailure(401, code, detail);
    }

    public static AuthFailure forbidden(String code, String detail) {
        return new AuthFailure(403, code, detail);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
