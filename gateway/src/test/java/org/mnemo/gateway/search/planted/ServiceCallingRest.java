package org.mnemo.gateway.search.planted;

/** A planted violation for ArchitectureTest: a service that reaches up to a REST class. Never used. */
public final class ServiceCallingRest {
    Object up = org.mnemo.gateway.rest.GatewayServer.class;
}
