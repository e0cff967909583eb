/** Embedders and their discovery; mnemo.embed. */
package org.mnemo.procedures.embed;
