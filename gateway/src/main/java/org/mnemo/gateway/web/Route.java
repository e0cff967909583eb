package org.mnemo.gateway.web;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;

/**
 * One route as Javalin serves it and the OpenAPI document describes it: its request body, parameters and
 * responses are declared with it, as JSON Schemas, so the document cannot drift from what is served (and the tests
 * hold every response the suite receives to them). {@code path} is written as callers use it (with its trailing
 * slash); the form without the slash is served too.
 *
 * @param body       the JSON Schema of the request body, or null when there is none
 * @param form       the schema of a multipart/form-data body the route also takes (an upload), or null
 * @param parameters the query and header parameters the handler reads
 * @param responses  what the route answers, by status: its successes (and a status with a body of its own, such
 *                   as /ready/'s 503); other errors are the shared {@link ApiError#SCHEMA}
 * @param auth       whether the route needs a bearer credential
 * @param scope      the tool or management scope ({@link org.mnemo.gateway.auth.Scopes}) a token's allowed_tools
 *                   must allow; every authenticated route has one
 */
public record Route(
        HandlerType method,
        String path,
        String tag,
        String summary,
        Schema body,
        Schema form,
        List<Parameter> parameters,
        List<Response> responses,
        boolean auth,
        String scope,
        Handler handler) {

    /** A query or header parameter ({@code in}): its name and its value's schema (whose description says what for). */
    public record Parameter(String name, String in, Schema schema) {}

    /**
     * A declared response: its status, what it means, and the schema of its body (null when it has none, such as
     * 204), of {@code mediaType} (JSON, or another such as the Prometheus text of /metrics).
     */
    public record Response(int status, String description, Schema schema, String mediaType) {}

    public Route {
        parameters = List.copyOf(parameters);
        responses = List.copyOf(responses);
    }

    public static Route get(String path, String tag, String summary, Handler handler) {
        return of(HandlerType.GET, path, tag, summary, null, handler);
    }

    public static Route post(String path, String tag, String summary, Schema body, Handler handler) {
        return of(HandlerType.POST, path, tag, summary, body, handler);
    }

    public static Route put(String path, String tag, String summary, Schema body, Handler handler) {
        return of(HandlerType.PUT, path, tag, summary, body, handler);
    }

    public static Route patch(String path, String tag, String summary, Schema body, Handler handler) {
        return of(HandlerType.PATCH, path, tag, summary, body, handler);
    }

    public static Route delete(String path, String tag, String summary, Handler handler) {
        return of(HandlerType.DELETE, path, tag, summary, null, handler);
    }

    /** A DELETE that names what it deletes in a JSON body (AtoCore's state invalidation). */
    public static Route delete(String path, String tag, String summary, Schema body, Handler handler) {
        return of(HandlerType.DELETE, path, tag, summary, body, handler);
    }

    private static Route of(HandlerType method, String path, String tag, String summary, Schema body, Handler handler) {
        return new Route(method, path, tag, summary, body, null, List.of(), List.of(), true, null, handler);
    }

    /** A success response with a JSON body of this schema. */
    public Route returns(int status, String description, Schema schema) {
        return withResponse(new Response(status, description, schema, schema == null ? null : "application/json"));
    }

    /** A success response without a body (204). */
    public Route returns(int status, String description) {
        return withResponse(new Response(status, description, null, null));
    }

    /** A success response of another media type, its body described by the schema. */
    public Route returns(int status, String description, String mediaType, Schema schema) {
        return withResponse(new Response(status, description, schema, mediaType));
    }

    private Route withResponse(Response response) {
        if (responses.stream().anyMatch(r -> r.status() == response.status())) {
            throw new IllegalStateException(method + " " + path + " declares status " + response.status() + " twice");
        }
        List<Response> all = new ArrayList<>(responses);
        all.add(response);
        return new Route(method, path, tag, summary, body, form, parameters, all, auth, scope, handler);
    }

    /** The route also takes its body as multipart/form-data: these fields, the file in a binary 'file' part. */
    public Route form(Schema fields) {
        return new Route(method, path, tag, summary, body, fields, parameters, responses, auth, scope, handler);
    }

    /** A query parameter the handler reads. */
    public Route query(String name, Schema schema) {
        return parameter(new Parameter(name, "query", schema));
    }

    /** A request header the handler reads. */
    public Route header(String name, Schema schema) {
        return parameter(new Parameter(name, "header", schema));
    }

    private Route parameter(Parameter parameter) {
        List<Parameter> all = new ArrayList<>(parameters);
        all.add(parameter);
        return new Route(method, path, tag, summary, body, form, all, responses, auth, scope, handler);
    }

    /** The {@code limit} and {@code offset} of a paginated listing ({@link Requests#page}). */
    public Route paged() {
        return query(
                        "limit",
                        Schema.integer("Page size").range(1, Requests.MAX_LIMIT).defaultsTo(50))
                .query(
                        "offset",
                        Schema.integer("How many results to skip")
                                .range(0, Integer.MAX_VALUE)
                                .defaultsTo(0));
    }

    /**
     * Whether the route belongs to the memory-plugin contract (/v1/), whose trusted mode, when configured, also
     * authenticates requests by the plugin's shared secret instead of a bearer.
     */
    public boolean plugin() {
        return path.startsWith("/v1/");
    }

    /** A route anyone may call. */
    public Route open() {
        return new Route(method, path, tag, summary, body, form, parameters, responses, false, null, handler);
    }

    /** The scope a restricted token needs for this route. */
    public Route scope(String name) {
        return new Route(method, path, tag, summary, body, form, parameters, responses, auth, name, handler);
    }
}
