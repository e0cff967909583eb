/** The ./mnemo command line: serve, ingest, search. */
package org.mnemo.gateway.cli;
