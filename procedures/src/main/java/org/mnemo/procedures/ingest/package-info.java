/** Normalising, chunking, embedding and writing documents: mnemo.ingest*. */
package org.mnemo.procedures.ingest;
