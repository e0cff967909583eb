package org.mnemo.gateway.health.planted;

/** A planted violation for ArchitectureTest: gateway code starting the embedded Neo4j. Never used. */
public final class GatewayStartingNeo4j {
    Object embedded = org.mnemo.embedded.EmbeddedServer.class;
}
