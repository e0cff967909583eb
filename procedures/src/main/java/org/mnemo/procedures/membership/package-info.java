/** A principal's own memberships ({@code mnemo.membership.*}): list, accept a pending grant, leave. */
package org.mnemo.procedures.membership;
