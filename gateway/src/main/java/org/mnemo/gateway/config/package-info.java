/** The gateway's configuration: environment variables, validated at start-up, listed in docs/configuration.md. */
package org.mnemo.gateway.config;
