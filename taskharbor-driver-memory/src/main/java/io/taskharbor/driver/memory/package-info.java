/**
 * The in-memory driver: the whole driver SPI over data structures in the JVM's heap, selected by the URI {@code
 * memory:} and used by default when it is the only driver. Jobs live as long as the driver; it suits tests,
 * development and applications that accept losing queued jobs on exit.
 */
@NullMarked
package io.taskharbor.driver.memory;

import org.jspecify.annotations.NullMarked;
