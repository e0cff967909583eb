package org.mnemo.gateway.rest;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * One route as Javalin serves it and the OpenAPI document describes it. {@code path} is written as callers use it
 * (with its trailing slash); the form without the slash is served too.
 *
 * @param body   a short description of the JSON request body, or null when there is none
 * @param auth   whether the route needs a bearer credential
 */
public record Route(HandlerType method, String path, String tag, String summary, String body, boolean auth,
        Handler handler) {

    public static Route get(String path, String tag, String summary, Handler handler) {
        return new Route(HandlerType.GET, path, tag, summary, null, true, handler);
    }

    public static Route post(String path, String tag, String summary, String body, Handler handler) {
        return new Route(HandlerType.POST, path, tag, summary, body, true, handler);
    }

    public static Route put(String path, String tag, String summary, String body, Handler handler) {
        return new Route(HandlerType.PUT, path, tag, summary, body, true, handler);
    }

    public static Route patch(String path, String tag, String summary, String body, Handler handler) {
        return new Route(HandlerType.PATCH, path, tag, summary, body, true, handler);
    }

    public static Route delete(String path, String tag, String summary, Handler handler) {
        return new Route(HandlerType.DELETE, path, tag, summary, null, true, handler);
    }

    public Route open() {
        return new Route(method, path, tag, summary, body, false, handler);
    }
}
