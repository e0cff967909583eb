/** Workspaces as a tree and the memory namespaces each may read and write, resolved live from the tree. */
package org.mnemo.procedures.namespace;
