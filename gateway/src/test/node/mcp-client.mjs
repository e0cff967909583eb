// An independent MCP client: the official TypeScript SDK over Streamable HTTP with a bearer token, or over stdio
// to a server it starts (./mnemo mcp stdio, which holds the token itself).
// Lists the tools, searches, fetches the best chunk and checks the shapes; prints a JSON summary.
// Usage: node mcp-client.mjs <mcp url> <bearer token> <query>
//        MNEMO_STDIO_SERVER='{"command": …, "args": […], "env": {…}}' node mcp-client.mjs stdio - <query>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, token, query] = process.argv.slice(2);
function check(condition, message) {
  if (!condition) {
    console.error("FAILED: " + message);
    process.exit(1);
  }
}

const stdio = url === "stdio";
const transport = stdio
  ? new StdioClientTransport({ ...JSON.parse(process.env.MNEMO_STDIO_SERVER), stderr: "inherit" })
  : new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
const client = new Client({ name: "mnemo-interop-check", version: "1.0.0" });
await client.connect(transport);

const { tools } = await client.listTools();
const names = tools.map((t) => t.name).sort();
for (const expected of ["get_chunk", "get_health", "list_libraries", "search"]) {
  check(names.includes(expected), `tool ${expected} is listed (got ${names})`);
}
for (const tool of tools) {
  check(tool.inputSchema.type === "object", `${tool.name} has an object input schema`);
  check(!("anyOf" in tool.inputSchema || "oneOf" in tool.inputSchema || "allOf" in tool.inputSchema),
    `${tool.name} has no top-level anyOf/oneOf/allOf`);
  // recall_memory answers in its legacy text shape (a bare JSON list, or "No memories found."): no structured output.
  if (tool.name === "recall_memory") {
    check(!tool.outputSchema, "recall_memory (legacy text) declares no output schema");
  } else {
    check(tool.outputSchema && tool.outputSchema.type === "object", `${tool.name} has an output schema`);
  }
}

// callTool validates structuredContent against the tool's output schema.
const search = await client.callTool({ name: "search", arguments: { query, limit: 5 } });
check(!search.isError, "search succeeds: " + JSON.stringify(search.content));
const candidates = search.structuredContent.candidates;
check(candidates.length > 0, "search finds something");
check(search.content[0].type === "text" && JSON.parse(search.content[0].text).candidates.length === candidates.length,
  "the text block carries the same result");

const chunk = await client.callTool({ name: "get_chunk", arguments: { chunk_uid: candidates[0].chunk_uid } });
check(!chunk.isError, "get_chunk succeeds");
check(chunk.structuredContent.chunk_uid === candidates[0].chunk_uid, "get_chunk returns the chunk asked for");

const libraries = await client.callTool({ name: "list_libraries", arguments: {} });
const bad = await client.callTool({ name: "get_chunk", arguments: { chunk_uid: "no-such-chunk" } });
check(bad.isError === true, "an unknown chunk is an error result");

console.log(JSON.stringify({
  tools: names,
  top_item: candidates[0].item_title,
  top_library: candidates[0].library_uid,
  chunk_text: chunk.structuredContent.text,
  libraries: libraries.structuredContent.libraries.map((l) => l.uid),
  server: client.getServerVersion().name,
  protocol_session: stdio ? "stdio" : transport.sessionId ? "yes" : "no",
}));
if (!stdio) {
  await transport.terminateSession();
}
await client.close();
