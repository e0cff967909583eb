package org.mnemo.gateway.mcp;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mnemo.gateway.auth.Tokens;

/**
 * Binds each MCP session to the credential that opened it: a request that names a session with another
 * {@code Authorization} header (or none, where the session was opened with one) is refused with 403, so a stolen
 * or guessed session id is worth nothing without the credential. Only a fingerprint (SHA-256) of the header is
 * kept, and forgotten after two idle periods (by then the SDK's sweeper has closed the session).
 */
final class SessionBinding implements Filter {
    private static final String SESSION_HEADER = "Mcp-Session-Id";

    private record Binding(String fingerprint, long lastSeen) {}

    private final Map<String, Binding> bindings = new ConcurrentHashMap<>();
    private final long forgetNanos;

    SessionBinding(Duration idle) {
        this.forgetNanos = idle.multipliedBy(2).toNanos();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String fingerprint = fingerprint(request.getHeader("Authorization"));
        String session = request.getHeader(SESSION_HEADER);
        long now = System.nanoTime();
        if (session != null) {
            Binding bound = bindings.get(session);
            if (bound != null && !bound.fingerprint().equals(fingerprint)) {
                response.setStatus(403);
                response.setContentType("application/json");
                response.getOutputStream()
                        .write(("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32001,\"message\":"
                                        + "\"session_credential_mismatch: this session was opened with another credential\"}}")
                                .getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (bound != null) {
                bindings.put(session, new Binding(fingerprint, now));
            }
            chain.doFilter(req, res);
            return;
        }
        // No session yet: whatever session the server opens now belongs to this credential.
        chain.doFilter(req, new HttpServletResponseWrapper(response) {
            @Override
            public void setHeader(String name, String value) {
                bind(name, value);
                super.setHeader(name, value);
            }

            @Override
            public void addHeader(String name, String value) {
                bind(name, value);
                super.addHeader(name, value);
            }

            private void bind(String name, String value) {
                if (SESSION_HEADER.equalsIgnoreCase(name) && value != null) {
                    bindings.put(value, new Binding(fingerprint, System.nanoTime()));
                }
            }
        });
        bindings.values().removeIf(b -> now - b.lastSeen() > forgetNanos);
    }

    private static String fingerprint(String authorization) {
        return authorization == null ? "" : Tokens.sha256Hex(authorization.strip());
    }
}
