/** The one place that holds the Cypher the gateway sends. */
package org.mnemo.gateway.client;
