package org.mnemo.launcher;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./mnemo mcp stdio}: the gateway's MCP tools for clients that only start local (stdio) servers. */
@Command(
        name = "mcp",
        description = "MCP helpers for clients that cannot reach the HTTP endpoint themselves.",
        subcommands = McpCommand.Stdio.class)
final class McpCommand implements Runnable {

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "name a subcommand: stdio");
    }

    @Command(
            name = "stdio",
            description = "Speak MCP on stdin/stdout and forward every call to the running gateway's "
                    + "/mcp (MNEMO_URL) with the bearer in MNEMO_TOKEN — for Claude Desktop and other stdio-only clients. "
                    + "Only protocol goes to stdout; messages go to stderr. Ends when stdin closes.")
    static final class Stdio implements Callable<Integer> {
        @Option(
                names = "--workspace",
                paramLabel = "ID",
                description = "Send X-Workspace-ID (the workspace memory "
                        + "tools act in when the token holds several; env MNEMO_WORKSPACE_ID).",
                defaultValue = "${env:MNEMO_WORKSPACE_ID}")
        String workspace;

        @Override
        public Integer call() throws InterruptedException {
            // The protocol owns the real stdout; anything else printed by mistake lands on stderr.
            OutputStream protocol = new FileOutputStream(FileDescriptor.out);
            System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
            String base = Environment.gatewayUrl();
            String token = Environment.get("MNEMO_TOKEN", null);
            if (token == null) {
                System.err.println("mnemo mcp stdio: MNEMO_TOKEN is not set: tools that need a credential will "
                        + "refuse (./mnemo mcp-config --client claude-desktop --create-token prints a setup with one)");
            }
            try (McpBridge bridge =
                    new McpBridge(base, token, workspace, new FileInputStream(FileDescriptor.in), protocol)) {
                System.err.println(
                        "mnemo mcp stdio: " + bridge.toolCount() + " tools of " + base + "/mcp on " + "stdin/stdout");
                bridge.awaitInputClosed();
            }
            return 0;
        }
    }
}
