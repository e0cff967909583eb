/** Libraries, their types, the graph model and the delete cascade: mnemo.library.*. */
package org.mnemo.procedures.library;
