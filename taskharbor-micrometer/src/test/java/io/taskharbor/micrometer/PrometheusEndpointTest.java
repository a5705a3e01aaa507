package io.taskharbor.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.taskharbor.api.JobRequest;
import io.taskharbor.engine.TaskHarbor;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** docs/metrics.md's binding without Spring, as written there: the JDK's HTTP server serves the scrape. */
class PrometheusEndpointTest {

  record Work(int n) {}

  @Test
  @DisplayName("the page's /metrics endpoint serves the Prometheus text")
  void theEndpointOfTheDocsServesTheScrape() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TestDriver driver = TestDriver.withStatistics();
    TaskHarborMetrics metrics = TaskHarborMetrics.builder(registry)
        .gaugeRefreshInterval(Duration.ofSeconds(15))     // the default
        .build();
    TaskHarbor harbor = TaskHarbor.builder().driver(driver).listener(metrics).build();
    metrics.bindTo(harbor);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/metrics", exchange -> {
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    try {
      harbor.enqueue(JobRequest.builder("mail.send", new Work(1)).build());
      metrics.refreshNow();
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
      assertThat(response.body()).contains("tasks_enqueued_total{type=\"mail.send\"} 1.0\n",
          "tasks_pending{type=\"mail.send\"} 1.0\n", "taskharbor_queue_depth{queue=\"default\",state=\"ready\"} 1.0\n");
    } finally {
      server.stop(0);
      metrics.close();
      harbor.close();
      driver.close();
    }
  }
}
