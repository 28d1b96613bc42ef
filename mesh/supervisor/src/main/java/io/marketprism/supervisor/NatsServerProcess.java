package io.marketprism.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A {@code nats-server} with JetStream, listening on 127.0.0.1 only, configured by a file this
 * class writes into its own directory ({@code nats.conf}, JetStream store under {@code
 * jetstream/}). Ready when the monitoring endpoint's {@code /healthz} answers 200, which
 * nats-server 2.9 does only once JetStream is up.
 */
public final class NatsServerProcess extends SupervisedProcess {

  private final Path directory;
  private final Path binary;
  private final int port;
  private final int monitorPort;
  private final long maxFileStoreBytes;
  private final long maxMemoryStoreBytes;

  private NatsServerProcess(Builder builder) {
    super(
        builder.name,
        builder.logFileOr("nats-server.log"),
        builder.readyTimeout,
        builder.stopGrace);
    this.directory = builder.directory;
    this.binary = builder.binary;
    this.port = builder.port;
    this.monitorPort = builder.monitorPort;
    this.maxFileStoreBytes = builder.maxFileStoreBytes;
    this.maxMemoryStoreBytes = builder.maxMemoryStoreBytes;
  }

  /** A builder for a server whose configuration and JetStream data live in {@code directory}. */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /** The client URL, {@code nats://127.0.0.1:<port>}. */
  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  /** The client port. */
  public int port() {
    return port;
  }

  /** The HTTP monitoring port. */
  public int monitorPort() {
    return monitorPort;
  }

  /** The HTTP monitoring base URL, {@code http://127.0.0.1:<monitor port>}. */
  public String monitorUrl() {
    return "http://127.0.0.1:" + monitorPort;
  }

  /** Where JetStream keeps its streams. */
  public Path storeDirectory() {
    return directory.resolve("jetstream");
  }

  @Override
  public List<PortClaim> ports() {
    return List.of(
        new PortClaim(port, name(), "client", ""),
        new PortClaim(monitorPort, name(), "HTTP monitoring", ""));
  }

  @Override
  public String address() {
    return "127.0.0.1:" + port;
  }

  @Override
  protected List<String> prepareCommand() throws IOException {
    Files.createDirectories(storeDirectory());
    Path config = directory.resolve("nats.conf");
    Files.writeString(config, configText(), StandardCharsets.UTF_8);
    return List.of(binary.toString(), "-c", config.toString());
  }

  String configText() {
    return """
    # Written by MarketPrism on every start; edit marketprism.yaml instead.
    server_name: "marketprism"
    listen: "127.0.0.1:%d"
    http: "127.0.0.1:%d"
    jetstream {
      store_dir: "%s"
      max_memory_store: %d
      max_file_store: %d
    }
    """
        .formatted(
            port,
            monitorPort,
            storeDirectory().toAbsolutePath(),
            maxMemoryStoreBytes,
            maxFileStoreBytes);
  }

  @Override
  protected boolean probeReady() {
    return HttpProbe.get(monitorUrl() + "/healthz").isPresent();
  }

  /**
   * Options for a {@link NatsServerProcess}; only the directory is required (the ports default to
   * 4222/8222).
   */
  public static final class Builder extends LocalServerOptions<Builder> {
    private int port = 4222;
    private int monitorPort = 8222;
    private long maxFileStoreBytes = 8L << 30;
    private long maxMemoryStoreBytes = 256L << 20;

    private Builder(Path directory) {
      super(directory, "nats", Duration.ofSeconds(30), Duration.ofSeconds(10));
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder monitorPort(int monitorPort) {
      this.monitorPort = monitorPort;
      return this;
    }

    /** Upper bound for JetStream file storage (a limit, not a reservation). */
    public Builder maxFileStoreBytes(long bytes) {
      this.maxFileStoreBytes = bytes;
      return this;
    }

    public Builder maxMemoryStoreBytes(long bytes) {
      this.maxMemoryStoreBytes = bytes;
      return this;
    }

    /**
     * @throws MissingBinaryException when no binary was given and none is installed
     */
    public NatsServerProcess build() {
      requireBinary("nats-server");
      return new NatsServerProcess(this);
    }
  }
}
