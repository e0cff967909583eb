/** Rerankers behind one interface: a /rerank API over HTTP, or listwise by a chat model. */
package org.mnemo.procedures.rerank;
