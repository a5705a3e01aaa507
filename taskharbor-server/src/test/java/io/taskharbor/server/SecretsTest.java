package io.taskharbor.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {

  @Test
  void redactsTheUserInfosPasswordAndPasswordParameters() {
    assertThat(Secrets.redactDsn("postgres://app:s3cret@db:5432/app?sslmode=disable"))
        .isEqualTo("postgres://app:****@db:5432/app?sslmode=disable");
    assertThat(Secrets.redactDsn("postgres://app:p@ss@db/app")).isEqualTo("postgres://app:****@db/app");
    assertThat(Secrets.redactDsn("postgres://db/app?user=app&password=s3cret&sslpassword=k3y&schema=jobs"))
        .isEqualTo("postgres://db/app?user=app&password=****&sslpassword=****&schema=jobs");
    assertThat(Secrets.redactDsn("postgres://app@db/app")).isEqualTo("postgres://app@db/app");
    assertThat(Secrets.redactDsn("postgres://db:5432/app")).isEqualTo("postgres://db:5432/app");
  }

  @Test
  void scrubsThePasswordRawAndDecodedFromAnyMessage() {
    String dsn = "postgres://app:s%40cret@db/app?sslpassword=k3y";
    assertThat(Secrets.scrub("auth failed for s%40cret, s@cret and k3y", dsn))
        .isEqualTo("auth failed for ****, **** and ****");
    assertThat(Secrets.scrub("nothing to hide", "postgres://app@db/app")).isEqualTo("nothing to hide");
  }
}
