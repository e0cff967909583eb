/**
 * Neo4j in this process with Mnemo's plugins, and its data directory's secrets: what ./mnemo serve and the benchmarks
 * run, and what the gateway's tests start their Neo4j with.
 */
package org.mnemo.embedded;
