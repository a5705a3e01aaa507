/**
 * Support for driver authors: the argument checks ({@link io.taskharbor.spi.support.Validation}) and the shared rules
 * and texts of the driver contract ({@link io.taskharbor.spi.support.DriverRules}) that every driver applies
 * identically, written once so that no driver retypes them. Part of the SPI, not of the application API: application
 * code never needs it.
 */
@NullMarked
package io.taskharbor.spi.support;

import org.jspecify.annotations.NullMarked;
