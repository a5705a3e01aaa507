package io.taskharbor.examples.orchestrator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** One orchestrator started from its executable jar as a child JVM, with nothing but environment variables. */
final class OrchestratorProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final Process process;
  final int port;
  final Path stdout;
  final Path stderr;
  final Instant started;

  private OrchestratorProcess(Process process, int port, Path stdout, Path stderr, Instant started) {
    this.process = process;
    this.port = port;
    this.stdout = stdout;
    this.stderr = stderr;
    this.started = started;
  }

  static OrchestratorProcess start(String name, int port, Map<String, String> env) throws IOException {
    String jar = System.getProperty("orchestrator.jar");
    if (jar == null || !Files.exists(Path.of(jar))) {
      throw new IllegalStateException("no orchestrator jar at " + jar + ": run mvn verify (the IT needs package)");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    Path dir = Path.of("target", "orchestrator-it");
    Files.createDirectories(dir);
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    // C1 and the serial GC: quicker to start on a loaded two-core machine, which is what an operator sees too.
    ProcessBuilder builder = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m",
        "-jar", jar).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("TASKHARBOR_") || k.equals("DATABASE_URL"));
    builder.environment().put("METRICS_PORT", Integer.toString(port));
    builder.environment().putAll(env);
    Instant started = Instant.now();
    return new OrchestratorProcess(builder.start(), port, out, err, started);
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The status of a GET, or -1 when nothing listens yet. */
  int status(String path) throws InterruptedException {
    try {
      return get(path).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Waits for /ready to answer 200 and returns how long it took since the process started. */
  Duration awaitReady(Duration within) throws InterruptedException, IOException {
    await("/ready answers 200", within, () -> {
      try {
        return status("/ready") == 200;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return true;
      }
    });
    return Duration.between(started, Instant.now());
  }

  String metrics() throws IOException, InterruptedException {
    return get("/metrics").body();
  }

  List<String> stdoutLines() throws IOException {
    return Files.readAllLines(stdout);
  }

  List<String> stderrLines() throws IOException {
    return Files.readAllLines(stderr);
  }

  void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException, IOException {
    Instant deadline = Instant.now().plus(within);
    while (!condition.getAsBoolean()) {
      if (!process.isAlive()) {
        throw new AssertionError("the orchestrator exited with " + process.exitValue() + " before: " + what
            + "\nstdout: " + String.join("\n", stdoutLines()) + "\nstderr: " + String.join("\n", stderrLines()));
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within " + within + ": " + what);
      }
      Thread.sleep(50);
    }
  }

  static double value(String scrape, String series) {
    return scrape.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(
        l.substring(series.length() + 1).trim())).findFirst().orElse(Double.NaN);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
