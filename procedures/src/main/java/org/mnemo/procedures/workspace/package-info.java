/**
 * The procedures of the workspace tree ({@code mnemo.workspace.*}) and of namespace resolution
 * ({@code mnemo.namespace.resolve}); the logic they call lives in {@code org.mnemo.procedures.namespace}.
 */
package org.mnemo.procedures.workspace;
