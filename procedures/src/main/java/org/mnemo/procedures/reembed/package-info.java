/** Re-embedding after a change of embedding model ({@code mnemo.reembed.*}): batched, resumable, observable. */
package org.mnemo.procedures.reembed;
