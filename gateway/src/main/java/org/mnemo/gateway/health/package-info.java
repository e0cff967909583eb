/** The gateway's dependency checks, shared by /ready and the MCP get_health tool. */
package org.mnemo.gateway.health;
