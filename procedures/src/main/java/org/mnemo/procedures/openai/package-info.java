/** Clients for OpenAI-compatible remote providers (embeddings, chat), with retries and a circuit breaker. */
package org.mnemo.procedures.openai;
