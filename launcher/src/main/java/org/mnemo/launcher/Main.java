package org.mnemo.launcher;

import org.mnemo.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./mnemo serve | ingest | search | status | token | user | mcp | mcp-config | backup | restore | reembed | neo4j
 * | bench | context | capture}.
 */
@Command(
        name = "mnemo",
        mixinStandardHelpOptions = true,
        // --help and --version on every subcommand too (./mnemo serve --help).
        scope = CommandLine.ScopeType.INHERIT,
        version = "mnemo 0.1.0",
        description = "Graph-native memory and retrieval inside Neo4j.",
        subcommands = {
            ServeCommand.class,
            IngestCommand.class,
            SearchCommand.class,
            StatusCommand.class,
            TokenCommand.class,
            UserCommand.class,
            McpCommand.class,
            McpConfigCommand.class,
            BackupCommand.class,
            RestoreCommand.class,
            ReembedCommand.class,
            Neo4jCommand.class,
            BenchCommand.class,
            ContextCommand.class,
            CaptureCommand.class
        })
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    // File-system errors carry only the path as their message: name what happened too.
                    cmd.getErr()
                            .println("mnemo: "
                                    + (e instanceof java.io.IOException && !(e instanceof GatewayClient.Failure)
                                            ? e.getClass().getSimpleName() + ": "
                                            : "")
                                    + e.getMessage());
                    return 1;
                })
                .execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
