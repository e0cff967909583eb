/** Typed, validated reads from procedure option maps. */
package org.mnemo.procedures.options;
