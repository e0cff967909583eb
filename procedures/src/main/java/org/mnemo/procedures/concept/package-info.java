/** Concept extraction (YAKE, or an LLM) and matching concepts in chunks. */
package org.mnemo.procedures.concept;
