/**
 * {@code ./mnemo bench}: generates a reproducible corpus, loads it into an embedded Neo4j with Mnemo, and compares
 * one {@code mnemo.search} call against client-side orchestration, the neo4j-graphrag hybrid query shape and the
 * bare index calls. Results go to docs/benchmarks/ with the machine, scale and command.
 */
package org.mnemo.bench;
