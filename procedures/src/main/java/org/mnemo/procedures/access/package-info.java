/**
 * Namespace resolution: which libraries a credential may read, computed next to the data on every request from
 * the principals, tokens, teams and workspace assignments stored in the graph.
 */
package org.mnemo.procedures.access;
