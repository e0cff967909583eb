package org.mnemo.gateway.mcp.planted;

/** A planted violation for ArchitectureTest: MCP code using a REST class. Never used. */
public final class McpCallingRest {
    Object sideways = org.mnemo.gateway.rest.GatewayServer.class;
}
