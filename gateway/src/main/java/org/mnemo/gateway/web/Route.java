package org.mnemo.gateway.web;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * One route as Javalin serves it and the OpenAPI document describes it. {@code path} is written as callers use it
 * (with its trailing slash); the form without the slash is served too.
 *
 * @param body   a short description of the JSON request body, or null when there is none
 * @param auth   whether the route needs a bearer credential
 * @param scope  the tool or management scope ({@link org.mnemo.gateway.auth.Scopes}) a token's allowed_tools must
 *               allow; every authenticated route has one
 */
public record Route(HandlerType method, String path, String tag, String summary, String body, boolean auth,
        String scope, Handler handler) {

    public static Route get(String path, String tag, String summary, Handler handler) {
        return new Route(HandlerType.GET, path, tag, summary, null, true, null, handler);
    }

    public static Route post(String path, String tag, String summary, String body, Handler handler) {
        return new Route(HandlerType.POST, path, tag, summary, body, true, null, handler);
    }

    public static Route put(String path, String tag, String summary, String body, Handler handler) {
        return new Route(HandlerType.PUT, path, tag, summary, body, true, null, handler);
    }

    public static Route patch(String path, String tag, String summary, String body, Handler handler) {
        return new Route(HandlerType.PATCH, path, tag, summary, body, true, null, handler);
    }

    public static Route delete(String path, String tag, String summary, Handler handler) {
        return new Route(HandlerType.DELETE, path, tag, summary, null, true, null, handler);
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
        return new Route(method, path, tag, summary, body, false, null, handler);
    }

    /** The scope a restricted token needs for this route. */
    public Route scope(String name) {
        return new Route(method, path, tag, summary, body, auth, name, handler);
    }
}
