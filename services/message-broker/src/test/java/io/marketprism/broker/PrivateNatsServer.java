package io.marketprism.broker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A nats-server of one test's own (the shared one must not be stopped), which the test may stop and start again on
 * the same port and store, as an outage would. Not thread-safe; one test drives it.
 */
final class PrivateNatsServer implements AutoCloseable {

  private final int port;
  private final Path store;
  private Process process;

  private PrivateNatsServer(int port, Path store) {
    this.port = port;
    this.store = store;
  }

  static PrivateNatsServer start() throws IOException, InterruptedException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    PrivateNatsServer server = new PrivateNatsServer(port, Files.createTempDirectory("broker-nats"));
    server.startAgain();
    return server;
  }

  String url() {
    return "nats://127.0.0.1:" + port;
  }

  void startAgain() throws IOException, InterruptedException {
    process =
        new ProcessBuilder("nats-server", "-js", "-a", "127.0.0.1", "-p", String.valueOf(port), "-sd", store.toString())
            .redirectErrorStream(true)
            .redirectOutput(store.resolve("nats.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("nats-server did not listen on " + port + "; see " + store.resolve("nats.log"));
  }

  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  @Override
  public void close() throws Exception {
    stop();
    try (Stream<Path> files = Files.walk(store)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
