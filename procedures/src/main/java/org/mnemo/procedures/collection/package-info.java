/** Collections of a library: mnemo.collection.*. */
package org.mnemo.procedures.collection;
