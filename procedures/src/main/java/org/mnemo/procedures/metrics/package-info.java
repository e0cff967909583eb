/**
 * The plugin's own metrics — embedder calls, latency and circuit breaker, search latency per leg — kept in this
 * Neo4j process and listed by {@code mnemo.metrics()}, which the gateway's {@code /metrics} reads at scrape time.
 */
package org.mnemo.procedures.metrics;
