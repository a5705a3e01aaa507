/**
 * The checks behind the API's and the SPI's value types, written once: field checks ({@link
 * io.taskharbor.api.internal.Checks}) and the JSON check ({@link io.taskharbor.api.internal.Json}). Internal to the
 * {@code taskharbor-api} module: no compatibility promise, and no other module may use it (an architecture test
 * enforces that). Driver authors use {@link io.taskharbor.spi.support}.
 */
@NullMarked
package io.taskharbor.api.internal;

import org.jspecify.annotations.NullMarked;
