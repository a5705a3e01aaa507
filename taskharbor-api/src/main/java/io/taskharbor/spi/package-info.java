/**
 * The driver SPI: the port through which the engine stores jobs. A driver jar lists its {@link
 * io.taskharbor.spi.DriverProvider} in {@code META-INF/services/io.taskharbor.spi.DriverProvider}; {@link
 * io.taskharbor.spi.Drivers} finds it by URI. Every rule a driver keeps is proven by the TCK
 * ({@code taskharbor-driver-tck}).
 */
@NullMarked
package io.taskharbor.spi;

import org.jspecify.annotations.NullMarked;
