package org.mnemo.gateway.rest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.mnemo.gateway.web.Json;

/**
 * Errors Jetty answers itself, before a request reaches Javalin (headers too large, a malformed URI): in the
 * gateway's JSON error shape with a machine code, like every other error, instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    private static byte[] body(int status, String reason) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put(
                "code",
                switch (status) {
                    case 400 -> "bad_request";
                    case 413 -> "body_too_large";
                    case 414 -> "uri_too_long";
                    case 431 -> "headers_too_large";
                    default -> "http_error";
                });
        error.put("detail", reason == null || reason.isBlank() ? "HTTP " + status : reason);
        try {
            return Json.MAPPER.writeValueAsBytes(error);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return ("{\"code\": \"http_error\"}").getBytes(StandardCharsets.UTF_8);
        }
    }
}
