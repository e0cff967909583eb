package org.mnemo.gateway.cli.planted;

/** A planted violation for ArchitectureTest: a ./mnemo command back in the gateway's packages. Never used. */
public final class CommandInTheGateway {}
