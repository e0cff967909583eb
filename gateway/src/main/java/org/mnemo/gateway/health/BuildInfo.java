package org.mnemo.gateway.health;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** What build is running: the version, and the commit and time git-commit-id recorded when it was built. */
public final class BuildInfo {
    public static final String VERSION = "0.1.0";
    private static final Properties GIT = load();

    private BuildInfo() {}

    /** {version, build_sha, build_time}; "unknown" for what a build outside a git checkout could not record. */
    public static Map<String, Object> describe() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("version", VERSION);
        String sha = GIT.getProperty("git.commit.id.abbrev", "unknown");
        info.put("build_sha", "true".equals(GIT.getProperty("git.dirty")) ? sha + "-dirty" : sha);
        info.put("build_time", GIT.getProperty("git.build.time", "unknown"));
        return info;
    }

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/mnemo-build.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // A build without the file reports "unknown"; nothing else depends on it.
        }
        return properties;
    }
}
