package io.marketprism.testkit;

import io.marketprism.supervisor.Binaries;
import io.marketprism.supervisor.ComponentStartException;
import io.marketprism.supervisor.FreePorts;
import io.marketprism.supervisor.NatsCluster;
import io.marketprism.supervisor.NatsServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code nats-server} JetStream cluster owned by one test — unlike {@link NatsServer}, which
 * every test in the JVM shares — because failover tests kill and restart its members. Free ports,
 * each member with its own store under a temporary directory that {@link #close()} deletes.
 *
 * <pre>{@code
 * try (NatsClusterForTest cluster = NatsClusterForTest.start(3)) {
 *   Connection nats = Nats.connect(Options.builder().servers(cluster.urls().split(",")).build());
 *   cluster.member(1).kill();      // SIGKILL, as a crash
 *   cluster.restart(1);            // back, catching up from its peers
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one test drives it.
 */
public final class NatsClusterForTest implements AutoCloseable {

  private final NatsCluster cluster;
  private final Path directory;

  private NatsClusterForTest(NatsCluster cluster, Path directory) {
    this.cluster = cluster;
    this.directory = directory;
  }

  /**
   * Starts a cluster of {@code size} members and returns once it has a JetStream meta leader.
   *
   * @throws IllegalStateException with the failing member's log when one does not start
   */
  public static NatsClusterForTest start(int size) {
    Path directory;
    try {
      directory = Files.createTempDirectory("marketprism-nats-cluster-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a directory for a NATS cluster", e);
    }
    List<Integer> ports = FreePorts.allocate(3 * size);
    NatsCluster cluster =
        NatsCluster.builder(directory, size)
            .ports(ports.subList(0, size), ports.subList(size, 2 * size), ports.subList(2 * size, 3 * size))
            .eachMember(
                member ->
                    member
                        .binary(Binaries.require("nats-server"))
                        .maxFileStoreBytes(1L << 30)
                        .readyTimeout(Duration.ofSeconds(30))
                        .stopGrace(Duration.ofSeconds(5)))
            .build();
    NatsClusterForTest started = new NatsClusterForTest(cluster, directory);
    try {
      for (NatsServerProcess member : cluster.nodes()) {
        member.start();
      }
    } catch (ComponentStartException e) {
      String log = String.join("\n  ", e.logTail());
      started.close();
      throw new IllegalStateException("could not start a NATS cluster for tests: " + e.getMessage() + "\n  " + log, e);
    }
    return started;
  }

  /** Every member's client URL, comma-separated (what {@code nats.url} takes). */
  public String urls() {
    return cluster.urls();
  }

  /** The member {@code index} (0-based): kill, stop or inspect it. */
  public NatsServerProcess member(int index) {
    return cluster.node(index);
  }

  public int size() {
    return cluster.size();
  }

  /** The replicas a stream should have here (every member, at most three). */
  public int streamReplicas() {
    return cluster.streamReplicas();
  }

  /** The index of the member whose server name is {@code serverName} (as JetStream names a leader). */
  public int indexOf(String serverName) {
    for (int index = 0; index < cluster.size(); index++) {
      if (cluster.node(index).serverName().equals(serverName)) {
        return index;
      }
    }
    throw new IllegalArgumentException("no member is named " + serverName);
  }

  /**
   * Starts a stopped or killed member again (same ports, same store) and waits until it answers
   * {@code /healthz}, which nats-server 2.9 does once it has caught up with the cluster's streams.
   */
  public void restart(int index) throws ComponentStartException {
    cluster.node(index).start();
  }

  /** Stops every member and deletes their stores. */
  @Override
  public void close() {
    List<RuntimeException> failures = new ArrayList<>();
    for (NatsServerProcess member : cluster.nodes()) {
      try {
        member.stop();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    LocalServer.deleteRecursively(directory);
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }
}
