/** Which libraries a caller may read, and whether a chunk is among them. */
package org.mnemo.procedures.scope;
