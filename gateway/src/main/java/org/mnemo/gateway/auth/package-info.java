/**
 * Who is calling: opaque bearer tokens (stored as SHA-256 only), per-turn JWTs from Daedalus and team JWTs signed
 * with Mnemo's own rotatable keys. Every request resolves to a {@link org.mnemo.gateway.auth.Caller} with an
 * explicit list of readable libraries, computed by {@code mnemo.access.resolve} in the database.
 */
package org.mnemo.gateway.auth;
