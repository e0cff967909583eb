package org.mnemo.gateway.rest;

import io.javalin.config.StaticFilesConfig;
import io.javalin.http.staticfiles.Location;
import java.util.Map;

/**
 * The web console (docs/console.md): plain ES modules from the class path under /ui, calling the REST API with the
 * bearer the operator signs in with. It has no backend of its own, so it can do exactly what its token can. Static
 * files are not routes: the OpenAPI document does not list them.
 */
final class ConsoleFiles {
    static final String PATH = "/ui";
    /**
     * Only this origin's files and API; no inline script or style, no eval, no plugins, no framing: a string that
     * slipped past escaping still cannot run, and no other site can frame the console to trick a click.
     */
    static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private ConsoleFiles() {}

    static void serve(StaticFilesConfig files) {
        files.add(f -> {
            f.hostedPath = PATH;
            f.directory = "/console";
            f.location = Location.CLASSPATH;
            f.headers = Map.of(
                    "Content-Security-Policy", POLICY,
                    "X-Content-Type-Options", "nosniff",
                    "X-Frame-Options", "DENY",
                    "Referrer-Policy", "no-referrer",
                    // A new gateway version's files are picked up at once (they are small).
                    "Cache-Control", "no-cache");
        });
    }
}
