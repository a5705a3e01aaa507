package io.taskharbor.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SchemasTest {

  @Test
  void theSchemaOptionIsReadFromTheQuery() {
    assertThat(Schemas.named("postgres://a@db/app?sslmode=disable&schema=jobs&poolSize=3")).hasValue("jobs");
    assertThat(Schemas.named("postgres://a@db/app?schema=public")).isEmpty();
    assertThat(Schemas.named("postgres://a@db/app?sslmode=disable")).isEmpty();
    assertThat(Schemas.named("postgres://a@db/app")).isEmpty();
  }
}
