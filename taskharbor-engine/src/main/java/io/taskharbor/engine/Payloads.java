package io.taskharbor.engine;

/** Encoding through the {@link PayloadCodec}, with the failure turned into an error that names the field. */
final class Payloads {
  private Payloads() {}

  /**
   * Encodes a payload or a result.
   *
   * @throws IllegalArgumentException naming the field, the job type and the value's class when the codec cannot
   *     write it
   */
  static String encode(PayloadCodec codec, Object value, String field, String type) {
    String json;
    try {
      json = codec.encode(value);
    } catch (Exception e) {
      throw new IllegalArgumentException(field + " of job type '" + type + "' cannot be written as JSON by " + codec
          + " (" + value.getClass().getName() + ": " + e.getMessage() + "): use a record or a class with getters, or "
          + "configure the codec passed to TaskHarbor.builder().codec(...)", e);
    }
    if (json == null) {
      throw new IllegalArgumentException(field + " of job type '" + type + "': " + codec + " returned no JSON for a "
          + value.getClass().getName());
    }
    return json;
  }
}
