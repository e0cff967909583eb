/** The embedded Neo4j server that ./mnemo serve runs. */
package org.mnemo.gateway.server;
