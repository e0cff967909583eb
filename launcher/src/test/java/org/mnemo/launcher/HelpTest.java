package org.mnemo.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Every command answers --help with its usage (an operator's first question), not "Unknown option". */
class HelpTest {
    @Test
    void everySubcommandHasHelp() {
        for (String[] command : new String[][] {
            {"serve", "--bolt"},
            {"ingest", "--exclude"},
            {"search", "--library"},
            {"status", "--json"},
            {"token", "create"},
            {"token create", "--library"},
            {"token list", "--owner"},
            {"token revoke", "ID"},
            {"user", "create"},
            {"user create", "--service"},
            {"mcp", "stdio"},
            {"mcp stdio", "--workspace"},
            {"mcp-config", "--create-token"},
            {"context", "--project"},
            {"capture", "--client"},
            {"neo4j", "Usage"},
            {"backup", "Usage"},
            {"restore", "Usage"},
            {"reembed", "Usage"},
            {"bench", "--suite"}
        }) {
            PrintStream out = System.out;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            int exit;
            try {
                java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(command[0].split(" ")));
                args.add("--help");
                exit = Main.run(args.toArray(String[]::new));
            } finally {
                System.setOut(out);
            }
            String usage = captured.toString(StandardCharsets.UTF_8);
            assertThat(exit).as(command[0]).isZero();
            assertThat(usage)
                    .as(command[0])
                    .contains("Usage: mnemo " + command[0])
                    .contains(command[1]);
        }
    }
}
