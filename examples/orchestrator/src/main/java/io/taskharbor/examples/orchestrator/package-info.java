/**
 * The orchestrator example: the worker service ({@code taskharbor-server}) with the seed's example handlers,
 * packaged as one executable jar configured by environment variables.
 */
@NullMarked
package io.taskharbor.examples.orchestrator;

import org.jspecify.annotations.NullMarked;
