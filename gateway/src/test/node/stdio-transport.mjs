// Stands in for StreamableHTTPClientTransport in the conformance suite (see conformance-over-stdio.mjs): the URL is
// ignored, and the official SDK's stdio client transport starts the server named by MNEMO_STDIO_SERVER instead.
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

export class StreamableHTTPClientTransport extends StdioClientTransport {
  constructor() {
    super({ ...JSON.parse(process.env.MNEMO_STDIO_SERVER), stderr: "inherit" });
  }
}
