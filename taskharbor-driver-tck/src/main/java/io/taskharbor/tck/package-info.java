/**
 * The driver TCK: contract, matrix, concurrency, property and worker tests that every driver must pass. A driver's
 * test module extends {@link io.taskharbor.tck.DriverTck} once and inherits every test.
 */
@NullMarked
package io.taskharbor.tck;

import org.jspecify.annotations.NullMarked;
