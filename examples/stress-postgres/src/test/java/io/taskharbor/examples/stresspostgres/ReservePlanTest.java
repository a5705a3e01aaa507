package io.taskharbor.examples.stresspostgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * The benchmark explains a copy of the driver's reserve statement: it must be the driver's, character for character.
 * The driver keeps its statements package-private, so this test alone reads them, by reflection; when it fails,
 * copy {@code Statements.reserve} (the unlimited form) into {@link ReservePlan#named} again.
 */
class ReservePlanTest {

  @Test
  void theCopyIsTheDriversReserveStatement() throws Exception {
    assertThat(ReservePlan.jdbc("th_storage_copy")).isEqualTo(driversReserve("th_storage_copy"));
  }

  @Test
  void parametersAreReplacedButCastsAndLiteralsAreNot() {
    assertThat(ReservePlan.replaceParameters("SELECT :a::int, ':b', :c_1 || :a", name -> "<" + name + ">"))
        .isEqualTo("SELECT <a>::int, ':b', <c_1> || <a>");
  }

  private static String driversReserve(String schema) throws Exception {
    Class<?> statements = Class.forName("io.taskharbor.driver.postgres.Statements");
    Constructor<?> constructor = statements.getDeclaredConstructor(String.class);
    constructor.setAccessible(true);
    Object sql = constructor.newInstance(schema);
    Field reserve = statements.getDeclaredField("reserve");
    reserve.setAccessible(true);
    Object named = reserve.get(sql);
    Method jdbc = named.getClass().getDeclaredMethod("jdbc");
    jdbc.setAccessible(true);
    return (String) jdbc.invoke(named);
  }
}
