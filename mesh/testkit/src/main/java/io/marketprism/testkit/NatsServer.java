package io.marketprism.testkit;

/**
 * A running {@code nats-server} (JetStream enabled, 127.0.0.1 only) shared by every test in the
 * JVM. Streams and consumers outlive a test class: give yours names of their own.
 *
 * @param port the client port
 * @param monitorPort the HTTP monitoring port
 */
public record NatsServer(int port, int monitorPort) {

  /** The client URL for {@code Options.builder().server(url)}, {@code nats://127.0.0.1:<port>}. */
  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  /** The HTTP monitoring base URL ({@code /healthz}, {@code /jsz}, ...). */
  public String monitorUrl() {
    return "http://127.0.0.1:" + monitorPort;
  }
}
