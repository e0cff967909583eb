package org.mnemo.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.mnemo.gateway.client.MnemoClient;

/** The machine and database settings a figure was measured on; every result file states them. */
record Machine(String cpu, int cores, long memoryMb, String java, long heapMb, String pageCache) {

    static Machine describe(MnemoClient client) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        String pageCache = "Neo4j default";
        try {
            Map<String, Object> row = client.row(
                    MnemoClient.Mode.READ,
                    "CALL dbms.listConfig("
                            + "'server.memory.pagecache.size') YIELD name, value WHERE name = "
                            + "'server.memory.pagecache.size' RETURN value",
                    Map.of());
            if (row != null
                    && row.get("value") != null
                    && !String.valueOf(row.get("value")).isBlank()) {
                pageCache = String.valueOf(row.get("value"));
            }
        } catch (RuntimeException e) {
            pageCache = "unknown (" + e.getMessage() + ")";
        }
        return new Machine(
                cpuModel(),
                os.getAvailableProcessors(),
                os.getTotalMemorySize() / (1024 * 1024),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() / (1024 * 1024),
                pageCache);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst()
                    .orElse("unknown CPU");
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }

    /** One Markdown sentence: the machine, the JVM and Neo4j's memory settings (Neo4j runs in the bench's JVM). */
    String markdown() {
        return String.format(
                Locale.ROOT,
                "Machine: %s, %d cores, %,d MB RAM; %s; Neo4j 5.26 embedded in the same JVM "
                        + "(heap max %,d MB, page cache %s).",
                cpu,
                cores,
                memoryMb,
                java,
                heapMb,
                pageCache);
    }

    Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("cpu", cpu);
        json.put("cores", cores);
        json.put("memory_mb", memoryMb);
        json.put("java", java);
        json.put("heap_max_mb", heapMb);
        json.put("page_cache", pageCache);
        return json;
    }
}
