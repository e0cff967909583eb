/** Traversal around chunks and concepts: mnemo.graph.*. */
package org.mnemo.procedures.graph;
