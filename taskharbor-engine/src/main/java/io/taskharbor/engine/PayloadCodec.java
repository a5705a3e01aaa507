package io.taskharbor.engine;

/**
 * Turns payloads and results into JSON and back: the port through which the engine serialises, so that the public
 * API does not pin one JSON library (an application on Jackson 3, Gson or JSON-B plugs its own in with {@link
 * TaskHarbor.Builder#codec}). The default is {@link JacksonPayloadCodec}, on Jackson 2. Implementations must be
 * thread-safe.
 */
public interface PayloadCodec {

  /**
   * Writes {@code value} (a payload or a handler's result) as one JSON document.
   *
   * @throws Exception if the value cannot be written; the engine reports it as an {@link IllegalArgumentException}
   *     that names the job type and the field
   */
  String encode(Object value) throws Exception;

  /**
   * Reads a payload into the type its handler declared.
   *
   * @throws Exception if the document does not fit the type; the job then moves to the dead-letter queue with the
   *     reason
   */
  <T> T decode(String json, Class<T> type) throws Exception;

  /** Returns the default codec: {@link JacksonPayloadCodec#create()}. */
  static PayloadCodec defaultCodec() {
    return JacksonPayloadCodec.create();
  }
}
