/**
 * The gateway's dependency checks, shared by /ready and the MCP get_health tool, and the metrics /metrics reads from
 * the database at scrape time (the ingest queue, the plugin's mnemo.metrics()).
 */
package org.mnemo.gateway.health;
