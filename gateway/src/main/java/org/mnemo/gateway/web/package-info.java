/**
 * What REST and MCP share: JSON, API errors, route declarations, request helpers, rate limits, metrics and the
 * access log.
 */
package org.mnemo.gateway.web;
