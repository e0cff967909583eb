/** Hybrid search with Reciprocal Rank Fusion: mnemo.search. */
package org.mnemo.procedures.search;
