/**
 * Agent memory for the gateway's surfaces (MCP tools, REST, the memory-plugin v1 contract): picks the workspace
 * a caller acts as and calls the memory procedures, which check every namespace against the live resolution.
 */
package org.mnemo.gateway.memory;
