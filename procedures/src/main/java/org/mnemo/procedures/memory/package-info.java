/** Agent memories in namespaces: commit (redacted, embedded, linked to concepts), hybrid search, forget, purge. */
package org.mnemo.procedures.memory;
