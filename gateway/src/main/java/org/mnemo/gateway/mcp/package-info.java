/**
 * The MCP surface for agents: the official MCP Java SDK's Streamable HTTP transport mounted at /mcp on the
 * gateway's Jetty, retrieval tools over the same procedures and authentication as REST.
 */
package org.mnemo.gateway.mcp;
