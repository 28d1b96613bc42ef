package io.marketprism.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One MarketPrism service in its own JVM: {@code java <jvm options> -cp <jar>:<dependencies> <main
 * class>}, with its settings passed as environment variables. Ready when {@code
 * grpc.health.v1.Health/Check("")} on its health port answers {@code SERVING} over plaintext: the
 * gRPC port itself, unless the service serves health on a port of its own (in the mesh the gRPC
 * port requires a client certificate, so health moves to a plaintext port beside it). Services
 * drain on SIGTERM, so {@link #stop()} gives them {@link #stopGrace()} before it kills them.
 *
 * <p>Thread safety: as {@link SupervisedProcess}; the health client is created on first probe and
 * guarded by {@code this}.
 */
public final class JavaServiceProcess extends SupervisedProcess {

  /**
   * The JVM options a service gets unless told otherwise: small heap, the collector that suits 2
   * cores.
   */
  public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC");

  private static final Duration PROBE_DEADLINE = Duration.ofSeconds(1);

  private final String javaExecutable;
  private final List<String> jvmOptions;
  private final Classpath classpath;
  private final String mainClass;
  private final List<String> arguments;
  private final Map<String, String> environment;
  private final int grpcPort;
  private final int healthPort;
  private final List<PortClaim> ports;

  // guarded by this
  private GrpcHealthClient health;

  private JavaServiceProcess(Builder builder) {
    super(builder.name, builder.logFile, builder.readyTimeout, builder.stopGrace);
    this.javaExecutable = builder.javaExecutable;
    this.jvmOptions = List.copyOf(builder.jvmOptions);
    this.classpath = builder.classpath;
    this.mainClass = builder.mainClass;
    this.arguments = List.copyOf(builder.arguments);
    this.environment = Map.copyOf(builder.environment);
    this.grpcPort = builder.grpcPort;
    this.healthPort = builder.healthPort != 0 ? builder.healthPort : builder.grpcPort;
    List<PortClaim> claims = new ArrayList<>();
    claims.add(
        builder.grpcPortClaim != null
            ? builder.grpcPortClaim
            : new PortClaim(builder.grpcPort, builder.name, "gRPC", ""));
    claims.addAll(builder.extraPorts);
    this.ports = List.copyOf(claims);
  }

  /**
   * A builder for the service called {@code name} whose gRPC server listens on 127.0.0.1:{@code
   * grpcPort}.
   */
  public static Builder builder(String name, int grpcPort) {
    return new Builder(name, grpcPort);
  }

  public int grpcPort() {
    return grpcPort;
  }

  /** The plaintext port readiness is probed on: {@link #grpcPort()} unless set apart. */
  public int healthPort() {
    return healthPort;
  }

  /** The environment the service is started with (its settings). */
  public Map<String, String> settings() {
    return environment;
  }

  @Override
  public List<PortClaim> ports() {
    return ports;
  }

  @Override
  public String address() {
    return "127.0.0.1:" + grpcPort;
  }

  @Override
  protected List<String> prepareCommand() throws IOException {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable);
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath.resolve());
    command.add(mainClass);
    command.addAll(arguments);
    return command;
  }

  @Override
  protected Map<String, String> environment() {
    return environment;
  }

  @Override
  protected boolean probeReady() {
    GrpcHealthClient client;
    synchronized (this) {
      if (health == null) {
        health = new GrpcHealthClient("127.0.0.1", healthPort);
      }
      client = health;
    }
    return client.check(PROBE_DEADLINE) == Health.SERVING;
  }

  @Override
  protected void afterStop() {
    GrpcHealthClient client;
    synchronized (this) {
      client = health;
      health = null;
    }
    if (client != null) {
      client.close();
    }
  }

  /**
   * Where a service's classes come from: either a class path given as it is, or a built Maven
   * module ({@code <module>/target/<artifactId>-<version>.jar} plus the dependency list the build
   * writes to {@code <module>/target/classpath.txt}).
   */
  public interface Classpath {

    /**
     * The class path string; read when the process is launched, so a rebuild is picked up on
     * restart.
     */
    String resolve() throws IOException;

    /** A class path used as it is. */
    static Classpath of(String classpath) {
      return () -> classpath;
    }

    /** The jar and {@code target/classpath.txt} of a built module. */
    static Classpath ofModule(Path moduleDirectory, String artifactId, String version) {
      return () -> {
        Path target = moduleDirectory.resolve("target");
        Path jar = target.resolve(artifactId + "-" + version + ".jar");
        Path dependencies = target.resolve("classpath.txt");
        if (!Files.isRegularFile(jar) || !Files.isRegularFile(dependencies)) {
          throw new IOException(
              moduleDirectory
                  + " is not built ("
                  + (Files.isRegularFile(jar) ? dependencies : jar)
                  + " is missing); build it with: mvn -B -q -DskipTests install");
        }
        String deps = Files.readString(dependencies, StandardCharsets.UTF_8).strip();
        return deps.isEmpty() ? jar.toString() : jar + ":" + deps;
      };
    }
  }

  /** Options for a {@link JavaServiceProcess}; classpath, main class and log file are required. */
  public static final class Builder {
    private final String name;
    private final int grpcPort;
    private int healthPort;
    private String javaExecutable =
        Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private List<String> jvmOptions = DEFAULT_JVM_OPTIONS;
    private Classpath classpath;
    private String mainClass;
    private List<String> arguments = List.of();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Path logFile;
    private PortClaim grpcPortClaim;
    private final List<PortClaim> extraPorts = new ArrayList<>();
    private Duration readyTimeout = Duration.ofSeconds(90);
    private Duration stopGrace = Duration.ofSeconds(20);

    private Builder(String name, int grpcPort) {
      this.name = Objects.requireNonNull(name, "name");
      this.grpcPort = grpcPort;
    }

    /** The {@code java} executable; the one running this JVM when not set. */
    public Builder javaExecutable(String javaExecutable) {
      this.javaExecutable = javaExecutable;
      return this;
    }

    public Builder jvmOptions(List<String> jvmOptions) {
      this.jvmOptions = List.copyOf(jvmOptions);
      return this;
    }

    public Builder classpath(Classpath classpath) {
      this.classpath = classpath;
      return this;
    }

    public Builder mainClass(String mainClass) {
      this.mainClass = mainClass;
      return this;
    }

    public Builder arguments(List<String> arguments) {
      this.arguments = List.copyOf(arguments);
      return this;
    }

    /** Adds environment variables (the service's settings). */
    public Builder environment(Map<String, String> variables) {
      this.environment.putAll(variables);
      return this;
    }

    public Builder logFile(Path logFile) {
      this.logFile = logFile;
      return this;
    }

    /** Describes the gRPC port for conflict messages (default: "gRPC", no hint). */
    public Builder grpcPortClaim(PortClaim claim) {
      this.grpcPortClaim = claim;
      return this;
    }

    /**
     * Probes readiness on this plaintext {@code grpc.health.v1} port instead of the gRPC port (a
     * mesh service, whose gRPC port requires a client certificate). Declare the port with {@link
     * #extraPort} too, for the conflict check.
     */
    public Builder healthPort(int healthPort) {
      if (healthPort < 1 || healthPort > 65_535) {
        throw new IllegalArgumentException(
            "health port must be from 1 to 65535, got " + healthPort);
      }
      this.healthPort = healthPort;
      return this;
    }

    /** Declares another port the service listens on (metrics, HTTP), for the conflict check. */
    public Builder extraPort(PortClaim claim) {
      this.extraPorts.add(claim);
      return this;
    }

    public Builder readyTimeout(Duration readyTimeout) {
      this.readyTimeout = readyTimeout;
      return this;
    }

    public Builder stopGrace(Duration stopGrace) {
      this.stopGrace = stopGrace;
      return this;
    }

    public JavaServiceProcess build() {
      Objects.requireNonNull(classpath, "classpath");
      Objects.requireNonNull(mainClass, "mainClass");
      Objects.requireNonNull(logFile, "logFile");
      return new JavaServiceProcess(this);
    }
  }
}
