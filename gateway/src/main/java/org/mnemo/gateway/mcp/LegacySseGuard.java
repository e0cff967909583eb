package org.mnemo.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mnemo.gateway.auth.Tokens;
import org.mnemo.gateway.web.Json;

/**
 * Guards the legacy HTTP+SSE transport around the SDK's servlet. A session belongs to the credential that opened
 * its stream (the {@code endpoint} event is read as it goes out); messages to an unknown session, or with another
 * credential, never reach the SDK. Until the client has sent {@code notifications/initialized}, only
 * {@code initialize}, {@code ping} and notifications are taken (the SDK would hold any other request open
 * forever). Error answers are Mnemo's JSON, never the SDK's serialized exceptions. At most {@link #MAX_STREAMS}
 * streams are open at once per gateway.
 */
final class LegacySseGuard implements Filter {
    /** Open legacy streams per gateway: each holds a connection, and Streamable HTTP needs none. */
    static final int MAX_STREAMS = 1000;

    private static final Pattern ENDPOINT = Pattern.compile("sessionId=([A-Za-z0-9._~-]+)");
    private static final Set<String> BEFORE_INITIALIZED = Set.of("initialize", "ping");

    private static final class Session {
        final String fingerprint;
        volatile boolean initialized;
        volatile long lastSeen = System.nanoTime();

        Session(String fingerprint) {
            this.fingerprint = fingerprint;
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final String streamPath;
    private final long forgetNanos;
    private final int maxBody;

    LegacySseGuard(String streamPath, Duration idle, int maxBody) {
        this.streamPath = streamPath;
        this.forgetNanos = idle.multipliedBy(2).toNanos();
        this.maxBody = maxBody;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String uri = request.getRequestURI();
        String fingerprint = fingerprint(request.getHeader("Authorization"));
        if (uri.equals(streamPath) || uri.equals(streamPath + "/")) {
            stream(request, response, chain, fingerprint);
        } else if ("POST".equalsIgnoreCase(request.getMethod())) {
            message(request, response, chain, fingerprint);
        } else {
            refuse(response, 405, "method_not_allowed: post messages here; open the stream with GET " + streamPath);
        }
    }

    private void stream(HttpServletRequest request, HttpServletResponse response, FilterChain chain, String fingerprint)
            throws IOException, ServletException {
        if (open.incrementAndGet() > MAX_STREAMS) {
            open.decrementAndGet();
            refuse(
                    response,
                    503,
                    "too_many_streams: this gateway holds " + MAX_STREAMS + " legacy SSE streams; "
                            + "use Streamable HTTP at /mcp");
            return;
        }
        String[] announced = new String[1];
        try {
            chain.doFilter(request, new HttpServletResponseWrapper(response) {
                private PrintWriter writer;

                @Override
                public PrintWriter getWriter() throws IOException {
                    if (writer == null) {
                        writer = new PrintWriter(new Sniffer(super.getWriter(), id -> {
                            announced[0] = id;
                            sessions.put(id, new Session(fingerprint));
                        }));
                    }
                    return writer;
                }
            });
        } finally {
            Runnable closed = () -> {
                open.decrementAndGet();
                if (announced[0] != null) {
                    sessions.remove(announced[0]);
                }
            };
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new Ended(closed));
            } else {
                closed.run();
            }
        }
        long now = System.nanoTime();
        sessions.values().removeIf(s -> now - s.lastSeen > forgetNanos);
    }

    private void message(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain, String fingerprint)
            throws IOException, ServletException {
        String id = request.getParameter("sessionId");
        if (id == null || id.isBlank()) {
            refuse(
                    response,
                    400,
                    "invalid_request: the message endpoint needs ?sessionId= (from the stream's " + "endpoint event)");
            return;
        }
        Session session = sessions.get(id);
        if (session == null) {
            refuse(response, 404, "session_not_found: no open legacy SSE session has this id; open a stream");
            return;
        }
        if (!session.fingerprint.equals(fingerprint)) {
            refuse(response, 403, "session_credential_mismatch: this session was opened with another credential");
            return;
        }
        byte[] body = request.getInputStream().readNBytes(maxBody + 1);
        if (body.length > maxBody) {
            refuse(response, 413, "body_too_large: at most " + maxBody + " bytes (MNEMO_MAX_BODY_BYTES)");
            return;
        }
        String early = earlyRequest(body, session);
        if (early != null) {
            refuse(response, 409, "session_not_initialized: send notifications/initialized before '" + early + "'");
            return;
        }
        session.lastSeen = System.nanoTime();
        Captured captured = new Captured(response);
        chain.doFilter(new Replayed(request, body), captured);
        captured.finish();
    }

    /**
     * The method of a request the session may not send yet (before {@code notifications/initialized}), or null;
     * marks the session initialized when the message says so. Unreadable bodies go on to the SDK, which answers
     * them.
     */
    private static String earlyRequest(byte[] body, Session session) {
        JsonNode messages;
        try {
            messages = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
        for (JsonNode message : messages == null
                ? Json.MAPPER.createArrayNode()
                : messages.isArray() ? messages : Json.MAPPER.createArrayNode().add(messages)) {
            String method = message.path("method").asText("");
            if (method.equals("notifications/initialized")) {
                session.initialized = true;
            } else if (!session.initialized
                    && message.has("id")
                    && !method.isEmpty()
                    && !BEFORE_INITIALIZED.contains(method)) {
                return method;
            }
        }
        return null;
    }

    private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getOutputStream()
                .write(Json.MAPPER.writeValueAsBytes(
                        Map.of("jsonrpc", "2.0", "error", Map.of("code", -32001, "message", message))));
    }

    private static String fingerprint(String authorization) {
        return authorization == null ? "" : Tokens.sha256Hex(authorization.strip());
    }

    /** Passes the stream through, reading the session id out of its first characters (the endpoint event). */
    private static final class Sniffer extends Writer {
        private final Writer out;
        private final java.util.function.Consumer<String> onSession;
        private StringBuilder head = new StringBuilder();

        Sniffer(Writer out, java.util.function.Consumer<String> onSession) {
            this.out = out;
            this.onSession = onSession;
        }

        @Override
        public void write(char[] chars, int offset, int length) throws IOException {
            if (head != null) {
                head.append(chars, offset, length);
                Matcher m = ENDPOINT.matcher(head);
                if (m.find() && head.indexOf("\n", m.end()) >= 0) {
                    onSession.accept(m.group(1));
                    head = null;
                } else if (head.length() > 4096) {
                    head = null;
                }
            }
            out.write(chars, offset, length);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** Runs once when an async stream ends, however it ends. */
    private record Ended(Runnable action) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            action.run();
        }

        @Override
        public void onTimeout(AsyncEvent event) {}

        @Override
        public void onError(AsyncEvent event) {}

        @Override
        public void onStartAsync(AsyncEvent event) {}
    }

    /** The request with its body read already. */
    private static final class Replayed extends HttpServletRequestWrapper {
        private final byte[] body;

        Replayed(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body was read already");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }

    /** Holds the SDK's answer to a message: passed on when it succeeded, replaced by Mnemo's JSON when not. */
    private static final class Captured extends HttpServletResponseWrapper {
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private int status = 200;
        private PrintWriter writer;

        Captured(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void setStatus(int sc) {
            status = sc;
        }

        @Override
        public void sendError(int sc) {
            status = sc;
        }

        @Override
        public void sendError(int sc, String msg) {
            status = sc;
        }

        @Override
        public PrintWriter getWriter() {
            if (writer == null) {
                writer = new PrintWriter(new OutputStreamWriter(body, StandardCharsets.UTF_8));
            }
            return writer;
        }

        @Override
        public ServletOutputStream getOutputStream() {
            return new ServletOutputStream() {
                @Override
                public void write(int b) {
                    body.write(b);
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new UnsupportedOperationException("buffered");
                }
            };
        }

        void finish() throws IOException {
            if (writer != null) {
                writer.flush();
            }
            HttpServletResponse response = (HttpServletResponse) getResponse();
            if (status >= 400) {
                refuse(
                        response,
                        status,
                        switch (status) {
                            case 400 -> "invalid_request: the message could not be read as JSON-RPC";
                            case 404 -> "session_not_found: the session has ended; open a stream";
                            case 413 -> "body_too_large: the message is over the limit (MNEMO_MAX_BODY_BYTES)";
                            case 503 -> "unavailable: the gateway is shutting down";
                            default -> "request_failed: the message was not accepted (" + status + ")";
                        });
                return;
            }
            response.setStatus(status);
            body.writeTo(response.getOutputStream());
        }
    }
}
