package io.taskharbor.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Payloads and results to and from JSON, through one Jackson {@link ObjectMapper}. Thread-safe. */
final class JsonCodec {
  private final ObjectMapper mapper;
  private final Map<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();
  private final Map<Class<?>, ObjectWriter> writers = new ConcurrentHashMap<>();

  JsonCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** The default mapper: java.time support, ISO instants, unknown properties ignored (payloads may gain fields). */
  static ObjectMapper defaultMapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /** Encodes a value; a value Jackson cannot write is an IllegalArgumentException naming {@code field}. */
  String encode(Object value, String field, String type) {
    try {
      return writers.computeIfAbsent(value.getClass(), mapper::writerFor).writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw unwritable(value, field, type, e.getOriginalMessage(), e);
    } catch (RuntimeException e) {
      throw unwritable(value, field, type, e.getMessage(), e);
    }
  }

  private static IllegalArgumentException unwritable(
      Object value, String field, String type, String why, Exception cause) {
    return new IllegalArgumentException(field + " of job type '" + type + "' cannot be written as JSON by Jackson ("
        + value.getClass().getName() + ": " + why + "): use a record or a class with getters, or configure the "
        + "ObjectMapper passed to TaskHarbor.builder().objectMapper(...)", cause);
  }

  /** Decodes a payload; the reader of each type is made once (resolving the type is most of a small decode). */
  <P> P decode(String json, Class<P> type) throws JsonProcessingException {
    return readers.computeIfAbsent(type, mapper::readerFor).readValue(json);
  }
}
