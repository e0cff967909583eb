/** Constraints and indexes: mnemo.schema.*. */
package org.mnemo.procedures.schema;
