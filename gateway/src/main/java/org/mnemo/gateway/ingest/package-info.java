/**
 * Durable ingest: jobs in the graph, claimed by workers with a lease and heartbeat, files read from S3 source
 * buckets (or the upload store), text extracted with Apache Tika, then chunked, embedded and linked by
 * {@code mnemo.ingest}. docs/ingest.md describes the lifecycle.
 */
package org.mnemo.gateway.ingest;
