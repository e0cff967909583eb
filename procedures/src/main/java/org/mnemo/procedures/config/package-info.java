/** The plugin settings: mnemo.conf and MNEMO_* variables. */
package org.mnemo.procedures.config;
