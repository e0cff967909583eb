/** What the plugin needs to call into its sibling plugin jars. */
package org.mnemo.procedures.plugins;
