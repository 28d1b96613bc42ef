package io.marketprism.supervisor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * {@code size} {@link NatsServerProcess}es on loopback forming one JetStream cluster: each member
 * in a directory of its own ({@code <name>-<n>/}, so its own JetStream store), named {@code
 * <name>-<n>}, routing to every other member. A cluster of one is a plain server.
 *
 * <p>Start the members in order ({@link #nodes()}, as the {@link Supervisor} does): the members
 * before the one that completes a majority are ready once their JetStream is up, the rest once the
 * cluster has elected its meta leader, so when the last one is ready the cluster accepts streams.
 *
 * <p>Immutable; the members are the usual supervised processes (start, stop, {@link
 * SupervisedProcess#kill()}).
 */
public final class NatsCluster {

  /** JetStream's largest replica count. */
  private static final int MAX_REPLICAS = 3;

  private final List<NatsServerProcess> nodes;

  private NatsCluster(List<NatsServerProcess> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  /**
   * @param directory where every member's directory is made
   * @param size how many members (at least 1)
   */
  public static Builder builder(Path directory, int size) {
    return new Builder(directory, size);
  }

  /** The members, in start order. */
  public List<NatsServerProcess> nodes() {
    return nodes;
  }

  /** The member {@code index} (0-based). */
  public NatsServerProcess node(int index) {
    return nodes.get(index);
  }

  public int size() {
    return nodes.size();
  }

  /** Every member's client URL, comma-separated, as a NATS client's server list takes them. */
  public String urls() {
    return nodes.stream().map(NatsServerProcess::url).collect(Collectors.joining(","));
  }

  /** The replicas a stream or bucket should have on this cluster: every member, at most three. */
  public int streamReplicas() {
    return Math.min(nodes.size(), MAX_REPLICAS);
  }

  /** Options of a {@link NatsCluster}: its members' ports (one list entry per member). */
  public static final class Builder {
    private final Path directory;
    private final int size;
    private String name = "nats";
    private List<Integer> clientPorts;
    private List<Integer> monitorPorts;
    private List<Integer> routePorts;
    private Path logDirectory;
    private Consumer<NatsServerProcess.Builder> options = member -> {};

    private Builder(Path directory, int size) {
      if (size < 1) {
        throw new IllegalArgumentException("a NATS cluster needs at least one member, not " + size);
      }
      this.directory = Objects.requireNonNull(directory, "directory");
      this.size = size;
    }

    /** The members' component names are {@code <name>-1}, {@code <name>-2}, ... (default {@code nats}). */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * The members' client, monitoring and route ports, {@code size} of each (route ports are not
     * used by a cluster of one).
     */
    public Builder ports(List<Integer> clientPorts, List<Integer> monitorPorts, List<Integer> routePorts) {
      this.clientPorts = requireSize(clientPorts, "client ports");
      this.monitorPorts = requireSize(monitorPorts, "monitoring ports");
      this.routePorts = requireSize(routePorts, "route ports");
      return this;
    }

    /** Where the members' logs go ({@code <name>-<n>.log}); each member's directory when not set. */
    public Builder logDirectory(Path logDirectory) {
      this.logDirectory = logDirectory;
      return this;
    }

    /** Settings every member shares (binary, limits, timeouts). */
    public Builder eachMember(Consumer<NatsServerProcess.Builder> options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * @throws MissingBinaryException when no binary was given and none is installed
     */
    public NatsCluster build() {
      Objects.requireNonNull(clientPorts, "ports");
      int majority = size / 2 + 1;
      List<NatsServerProcess> nodes = new ArrayList<>();
      for (int index = 0; index < size; index++) {
        String member = size == 1 ? name : name + "-" + (index + 1);
        NatsServerProcess.Builder node =
            NatsServerProcess.builder(directory.resolve(member))
                .name(member)
                .serverName(member)
                .port(clientPorts.get(index))
                .monitorPort(monitorPorts.get(index))
                .readyBeforeQuorum(index + 1 < majority);
        if (size > 1) {
          node.cluster(new NatsServerProcess.ClusterMembership(name, routePorts.get(index), routePorts));
        }
        if (logDirectory != null) {
          node.logFile(logDirectory.resolve(member + ".log"));
        }
        options.accept(node);
        nodes.add(node.build());
      }
      return new NatsCluster(nodes);
    }

    private List<Integer> requireSize(List<Integer> ports, String what) {
      if (ports.size() != size) {
        throw new IllegalArgumentException(size + " " + what + " needed, " + ports.size() + " given");
      }
      return List.copyOf(ports);
    }
  }
}
