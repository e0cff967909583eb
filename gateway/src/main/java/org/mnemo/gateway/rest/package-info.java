/**
 * The REST API (docs/rest-api.md): routes declared once in {@link org.mnemo.gateway.web.Route} lists, which both
 * Javalin and the OpenAPI document are built from; errors are JSON {@code {code, detail}} with stable codes.
 */
package org.mnemo.gateway.rest;
