package org.mnemo.gateway.web;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One line per request under the logger {@value #LOGGER}, its fields in the MDC — {@code request_id},
 * {@code principal} (the caller's id: a user, "admin", "team:&lt;id&gt;", a JWT's subject; never its token),
 * {@code method}, {@code route} (the route's template, never the path with its ids nor the query string),
 * {@code status}, {@code duration_ms}, and for MCP {@code tool} — which the JSON log format
 * ({@code MNEMO_LOG_FORMAT=json}) writes as fields. Never an Authorization header, a token or query text.
 * Probes that balancers and Prometheus call every few seconds are logged at DEBUG.
 */
public final class AccessLog {
    public static final String LOGGER = "org.mnemo.gateway.access";
    public static final String REQUEST_ID = "request_id";
    public static final String PRINCIPAL = "principal";
    public static final String METHOD = "method";
    public static final String ROUTE = "route";
    public static final String STATUS = "status";
    public static final String DURATION = "duration_ms";
    public static final String TOOL = "tool";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final Set<String> PROBES = Set.of("/live", "/ready", "/metrics", "/mcp/health");

    private AccessLog() {}

    /**
     * Starts a request on this thread: whatever an earlier request left is cleared, and what is logged while it
     * runs (an error, say) carries its id.
     */
    public static void begin(String requestId) {
        MDC.clear();
        MDC.put(REQUEST_ID, requestId);
    }

    /** The authenticated caller's id, for what is logged from now on in this request. */
    public static void principal(String principal) {
        if (principal != null) {
            MDC.put(PRINCIPAL, principal);
        }
    }

    /** The line of an HTTP request, which ends its context on this thread. */
    public static void http(
            String requestId, String principal, String method, String route, int status, double seconds) {
        try {
            put(
                    requestId,
                    principal,
                    Map.of(METHOD, method, ROUTE, route, STATUS, Integer.toString(status), DURATION, millis(seconds)));
            if (PROBES.contains(route) ? LOG.isDebugEnabled() : LOG.isInfoEnabled()) {
                String line = "{} {} {} {} ms (request {}, principal {})";
                Object[] args = {method, route, status, millis(seconds), requestId, principal == null ? "-" : principal
                };
                if (PROBES.contains(route)) {
                    LOG.debug(line, args);
                } else {
                    LOG.info(line, args);
                }
            }
        } finally {
            MDC.clear();
        }
    }

    /**
     * The line of an MCP tool call ({@code status}: ok, error or denied), on whichever thread the SDK runs it; the
     * thread's own context is put back afterwards.
     */
    public static void tool(String requestId, String principal, String tool, String status, double seconds) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        Map<String, String> saved = MDC.getCopyOfContextMap();
        try {
            MDC.clear();
            put(
                    requestId,
                    principal,
                    Map.of(METHOD, "POST", ROUTE, "/mcp", TOOL, tool, STATUS, status, DURATION, millis(seconds)));
            LOG.info(
                    "MCP {} {} {} ms (request {}, principal {})",
                    tool,
                    status,
                    millis(seconds),
                    requestId,
                    principal == null ? "-" : principal);
        } finally {
            if (saved == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(saved);
            }
        }
    }

    private static void put(String requestId, String principal, Map<String, String> fields) {
        if (requestId != null) {
            MDC.put(REQUEST_ID, requestId);
        }
        if (principal != null) {
            MDC.put(PRINCIPAL, principal);
        }
        fields.forEach(MDC::put);
    }

    private static String millis(double seconds) {
        return String.format(Locale.ROOT, "%.1f", seconds * 1000);
    }
}
