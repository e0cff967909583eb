/**
 * The local cross-encoder reranker (mnemo.rerank.provider=onnx). It lives in this jar because it needs the same
 * ONNX runtime and tokenizer as the local embedder, the bulk of the jar's size.
 */
package org.mnemo.embedder.crossencoder;
