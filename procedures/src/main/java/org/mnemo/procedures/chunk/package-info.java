/** Reading chunks and their neighbours: mnemo.chunk.*. */
package org.mnemo.procedures.chunk;
