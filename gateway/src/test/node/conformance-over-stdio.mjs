// Runs the official conformance suite's own server scenarios against a stdio server (./mnemo mcp stdio).
// The suite reaches servers only by URL, through the TypeScript SDK's StreamableHTTPClientTransport; this swaps that
// one class, for the suite alone, for the same SDK's StdioClientTransport (stdio-transport.mjs), so every check of
// every scenario runs unchanged. The server to start is read from MNEMO_STDIO_SERVER ({command, args, env}).
// Usage: MNEMO_STDIO_SERVER='{…}' node conformance-over-stdio.mjs server --url http://stdio.invalid/mcp --scenario ping
import { register } from "node:module";

register("./conformance-over-stdio-hooks.mjs", import.meta.url);
await import("@modelcontextprotocol/conformance/dist/index.js");
