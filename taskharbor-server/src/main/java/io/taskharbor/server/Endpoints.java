package io.taskharbor.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The service's HTTP endpoints on the JDK's own server: {@code GET /metrics} (Prometheus text), {@code GET /health}
 * (the seed's JSON) and {@code GET /ready}. Two daemon threads answer; each answer is computed from memory except
 * the health check's one bounded database call.
 */
final class Endpoints {

  /** What one endpoint answers. */
  record Answer(int status, String contentType, String body) {

    static Answer json(int status, Map<String, Object> fields) {
      return new Answer(status, "application/json", Json.object(fields));
    }
  }

  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService threads;

  private Endpoints(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /**
   * Binds the port and starts answering.
   *
   * @throws IOException if the port cannot be bound
   */
  static Endpoints start(int port, Supplier<Answer> metrics, Supplier<Answer> health, Supplier<Answer> ready)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    ExecutorService threads = Executors.newFixedThreadPool(2, runnable -> {
      Thread t = new Thread(runnable, "taskharbor-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
    server.createContext("/metrics", handler(metrics));
    server.createContext("/health", handler(health));
    server.createContext("/ready", handler(ready));
    server.createContext("/", exchange -> send(exchange, Answer.json(404, Map.of("error", "not found: try "
        + "/metrics, /health or /ready"))));
    server.start();
    return new Endpoints(server, threads);
  }

  /** The port bound. */
  int port() {
    return server.getAddress().getPort();
  }

  /** Stops answering and frees the port. */
  void stop() {
    server.stop(0);
    threads.shutdownNow();
  }

  private static HttpHandler handler(Supplier<Answer> answer) {
    return exchange -> {
      String method = exchange.getRequestMethod();
      if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
        send(exchange, Answer.json(404, Map.of("error", "not found")));
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().add("Allow", "GET, HEAD");
        send(exchange, Answer.json(405, Map.of("error", "method " + method + " not allowed: use GET")));
      } else {
        Answer a;
        try {
          a = answer.get();
        } catch (RuntimeException e) {
          a = Answer.json(500, Map.of("error", e.getClass().getSimpleName()));
        }
        send(exchange, a);
      }
    };
  }

  private static void send(HttpExchange exchange, Answer answer) throws IOException {
    try (exchange) {
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", answer.contentType());
      exchange.getResponseHeaders().add("Cache-Control", "no-store");
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(answer.status(), head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  /** The little JSON the endpoints write: flat objects of strings, booleans and numbers. */
  static final class Json {

    private Json() {}

    static String object(Map<String, Object> fields) {
      StringBuilder out = new StringBuilder("{");
      for (Map.Entry<String, Object> field : new LinkedHashMap<>(fields).entrySet()) {
        if (out.length() > 1) {
          out.append(',');
        }
        string(out, field.getKey()).append(':');
        Object value = field.getValue();
        if (value instanceof Boolean || value instanceof Number) {
          out.append(value);
        } else {
          string(out, String.valueOf(value));
        }
      }
      return out.append('}').toString();
    }

    private static StringBuilder string(StringBuilder out, String s) {
      out.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> {
            if (c < 0x20) {
              out.append(String.format("\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      return out.append('"');
    }
  }
}
