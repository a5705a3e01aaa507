/**
 * What the PostgreSQL examples share: where they find their database ({@code TASKHARBOR_DSN} or a {@code .env}), and
 * how they connect to it and print it (with the driver's own DSN parser and redaction).
 */
package io.taskharbor.examples.support;
