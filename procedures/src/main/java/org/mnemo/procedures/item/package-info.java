/** Items (documents): mnemo.item.*. */
package org.mnemo.procedures.item;
