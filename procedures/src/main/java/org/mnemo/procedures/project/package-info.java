/**
 * Projects ({@code mnemo.project.*}): a project's canonical id and its case-insensitive aliases, the libraries that
 * hold its sources, and its trusted state (decisions, constraints, next steps…) kept with its history.
 */
package org.mnemo.procedures.project;
