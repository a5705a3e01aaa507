/** What the PostgreSQL examples share: where they find their database ({@code TASKHARBOR_DSN} or a {@code .env}). */
package io.taskharbor.examples.support;
