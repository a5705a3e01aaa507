package io.taskharbor.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default {@link PayloadCodec}, on Jackson 2: records and beans to JSON and back through one {@link ObjectMapper}.
 * Readers and writers are made once per type (resolving a type is most of the cost of a small payload). Thread-safe.
 */
public final class JacksonPayloadCodec implements PayloadCodec {
  private final ObjectMapper mapper;
  private final Map<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();
  private final Map<Class<?>, ObjectWriter> writers = new ConcurrentHashMap<>();

  private JacksonPayloadCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * Returns a codec with the default mapper: {@code java.time} support, instants as ISO-8601 text, and unknown
   * properties ignored (so a payload may gain fields before every worker knows them).
   */
  public static JacksonPayloadCodec create() {
    return new JacksonPayloadCodec(new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
  }

  /** Returns a codec that uses {@code mapper}, configured as the application wants; the mapper must not change later. */
  public static JacksonPayloadCodec of(ObjectMapper mapper) {
    return new JacksonPayloadCodec(Objects.requireNonNull(mapper, "mapper must not be null"));
  }

  @Override
  public String encode(Object value) {
    try {
      return writers.computeIfAbsent(value.getClass(), mapper::writerFor).writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }

  @Override
  public <T> T decode(String json, Class<T> type) throws Exception {
    return readers.computeIfAbsent(type, mapper::readerFor).readValue(json);
  }

  @Override
  public String toString() {
    return "JacksonPayloadCodec";
  }
}
