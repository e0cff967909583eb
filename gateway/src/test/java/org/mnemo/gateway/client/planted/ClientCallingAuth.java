package org.mnemo.gateway.client.planted;

/** A planted violation for ArchitectureTest: the Neo4j client reaching up to auth. Never used. */
public final class ClientCallingAuth {
    Object up = org.mnemo.gateway.auth.Caller.class;
}
