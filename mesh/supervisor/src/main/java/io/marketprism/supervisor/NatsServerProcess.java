package io.marketprism.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A {@code nats-server} with JetStream, listening on 127.0.0.1 only, configured by a file this
 * class writes into its own directory ({@code nats.conf}, JetStream store under {@code
 * jetstream/}). Ready when the monitoring endpoint's {@code /healthz} answers 200, which
 * nats-server 2.9 does only once JetStream is up.
 *
 * <p>As a member of a cluster ({@link Builder#cluster}) it also listens for routes and dials its
 * peers; JetStream then runs in clustered mode (RAFT), so its {@code /healthz} answers 200 only once
 * the cluster has a meta leader. The first members of a cluster to start cannot have one alone, so
 * they may be declared ready as soon as JetStream is up ({@link Builder#readyBeforeQuorum}); see
 * {@link NatsCluster}.
 */
public final class NatsServerProcess extends SupervisedProcess {

  private final Path directory;
  private final Path binary;
  private final int port;
  private final int monitorPort;
  private final long maxFileStoreBytes;
  private final long maxMemoryStoreBytes;
  private final String serverName;
  private final ClusterMembership cluster;
  private final boolean readyBeforeQuorum;

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
    this.serverName = builder.serverName;
    this.cluster = builder.cluster;
    this.readyBeforeQuorum = builder.readyBeforeQuorum;
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

  /** The name the server gives itself (unique within a cluster). */
  public String serverName() {
    return serverName;
  }

  @Override
  public List<PortClaim> ports() {
    List<PortClaim> claims = new ArrayList<>();
    claims.add(new PortClaim(port, name(), "client", ""));
    claims.add(new PortClaim(monitorPort, name(), "HTTP monitoring", ""));
    if (cluster != null) {
      claims.add(new PortClaim(cluster.port(), name(), "cluster routes", ""));
    }
    return List.copyOf(claims);
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
    String server =
        """
        # Written by MarketPrism on every start; edit marketprism.yaml instead.
        server_name: "%s"
        listen: "127.0.0.1:%d"
        http: "127.0.0.1:%d"
        jetstream {
          store_dir: "%s"
          max_memory_store: %d
          max_file_store: %d
        }
        """
            .formatted(
                serverName,
                port,
                monitorPort,
                storeDirectory().toAbsolutePath(),
                maxMemoryStoreBytes,
                maxFileStoreBytes);
    if (cluster == null) {
      return server;
    }
    String routes =
        cluster.routePorts().stream()
            .map(routePort -> "\"nats-route://127.0.0.1:" + routePort + "\"")
            .collect(Collectors.joining(", "));
    return server
        + """
        cluster {
          name: "%s"
          listen: "127.0.0.1:%d"
          routes: [%s]
        }
        """
            .formatted(cluster.name(), cluster.port(), routes);
  }

  @Override
  protected boolean probeReady() {
    // js-enabled-only: JetStream is up here, whether or not the cluster has elected a meta leader yet
    String health = readyBeforeQuorum ? "/healthz?js-enabled-only=true" : "/healthz";
    return HttpProbe.get(monitorUrl() + health).isPresent();
  }

  /**
   * This server's place in a cluster.
   *
   * @param name the cluster's name, the same for every member
   * @param port where this member listens for routes
   * @param routePorts the route ports of every member (its own may be among them: nats-server
   *     ignores a route to itself)
   */
  public record ClusterMembership(String name, int port, List<Integer> routePorts) {
    public ClusterMembership {
      routePorts = List.copyOf(routePorts);
    }
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
    private String serverName = "marketprism";
    private ClusterMembership cluster;
    private boolean readyBeforeQuorum;

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

    /** The server's own name; members of a cluster need different ones (default {@code marketprism}). */
    public Builder serverName(String serverName) {
      this.serverName = serverName;
      return this;
    }

    /** Makes the server a member of a cluster; see {@link NatsCluster} for the usual way. */
    public Builder cluster(ClusterMembership cluster) {
      this.cluster = cluster;
      return this;
    }

    /**
     * Ready once JetStream is up, before the cluster has a meta leader: for the first members to
     * start, which cannot form a quorum alone.
     */
    public Builder readyBeforeQuorum(boolean readyBeforeQuorum) {
      this.readyBeforeQuorum = readyBeforeQuorum;
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
