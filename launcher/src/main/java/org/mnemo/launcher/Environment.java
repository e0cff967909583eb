package org.mnemo.launcher;

import java.nio.file.Path;
import org.mnemo.gateway.config.GatewayConfig;

/** The launcher's environment variables and their defaults; docs/configuration.md lists them. */
final class Environment {
    private Environment() {}

    static String get(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** The project (or install) directory: set by the ./mnemo script, else the working directory. */
    static Path home() {
        return Path.of(System.getProperty("mnemo.home", ".")).toAbsolutePath().normalize();
    }

    static Path dataDir() {
        return GatewayConfig.dataDir(System.getenv());
    }

    static Path pluginsDir() {
        return Path.of(get(
                        "MNEMO_PLUGINS",
                        home().resolve("launcher/target/plugins").toString()))
                .toAbsolutePath();
    }

    /** Points the plugin of an embedded database at conf/mnemo.conf (or MNEMO_CONFIG); absent = defaults. */
    static void useMnemoConfig() {
        System.setProperty(
                "mnemo.config",
                get("MNEMO_CONFIG", home().resolve("conf/mnemo.conf").toString()));
    }

    static String neo4jUri() {
        return get("MNEMO_NEO4J_URI", "bolt://127.0.0.1:7687");
    }

    /** The running gateway the HTTP commands talk to: MNEMO_URL, else the local one on MNEMO_HTTP_PORT. */
    static String gatewayUrl() {
        return get("MNEMO_URL", "http://127.0.0.1:" + get("MNEMO_HTTP_PORT", "8080"));
    }

    static String neo4jUser() {
        return get("MNEMO_NEO4J_USER", "neo4j");
    }
}
