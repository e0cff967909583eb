package org.mnemo.gateway.rest.planted;

/** A planted violation for ArchitectureTest: REST code using an MCP class. Never used. */
public final class RestCallingMcp {
    Object sideways = org.mnemo.gateway.mcp.McpEndpoint.class;
}
