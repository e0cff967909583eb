/** Keeping the graph sound after a crash ({@code mnemo.maintenance.*}). */
package org.mnemo.procedures.maintenance;
