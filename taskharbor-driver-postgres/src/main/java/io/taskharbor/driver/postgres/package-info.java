/**
 * The PostgreSQL driver: jobs in one table {@code th_jobs}, reached through JDBC and a HikariCP pool (or a {@code
 * DataSource} the application owns), its schema versioned by Liquibase changelogs inside the jar. {@link
 * io.taskharbor.driver.postgres.PostgresDriverProvider} makes it discoverable by URI; {@link
 * io.taskharbor.driver.postgres.PostgresDriver} is the driver, its builder and its migration entry points. Everything
 * else in the package is an implementation detail.
 */
@NullMarked
package io.taskharbor.driver.postgres;

import org.jspecify.annotations.NullMarked;
