/**
 * The ./mnemo command line. Over Bolt (the database itself): serve, ingest, search, backup, restore, reembed, neo4j,
 * bench. Over a running gateway's HTTP API with MNEMO_URL and MNEMO_TOKEN, so the gateway checks every grant: status,
 * token, user, context, capture, mcp-config and the MCP stdio bridge ({@code mcp stdio}).
 */
package org.mnemo.launcher;
