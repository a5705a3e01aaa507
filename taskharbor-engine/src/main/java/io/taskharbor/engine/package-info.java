/** The engine: the {@code TaskHarbor} client and the worker runtime. */
@NullMarked
package io.taskharbor.engine;

import org.jspecify.annotations.NullMarked;
