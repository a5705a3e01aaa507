/**
 * The public types of TaskHarbor: job identifiers, requests and records, statuses, queries, queue statistics and
 * the unchecked exception tree. Everything here is an immutable value or an exception and depends on the JDK only.
 */
@NullMarked
package io.taskharbor.api;

import org.jspecify.annotations.NullMarked;
