package io.marketprism.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A {@code clickhouse-server} with its own {@code config.xml} and {@code users.xml}, written into
 * its own directory on every start, so it never reads {@code /etc/clickhouse-server} or touches the
 * system service's data. It listens on 127.0.0.1 only, on an HTTP and a native (TCP) port; the
 * interserver port is left out of the configuration, which disables it. User {@code default} has no
 * password and may connect from localhost only. Caches and per-query memory are sized for a small
 * machine. Ready when {@code GET /ping} answers {@code Ok.}.
 *
 * <p>The configuration is accepted by ClickHouse 18.16 (Debian's) and by current releases.
 */
public final class ClickHouseServerProcess extends SupervisedProcess {

  private final Path directory;
  private final Path binary;
  private final int httpPort;
  private final int tcpPort;
  private final long maxMemoryUsageBytes;

  private ClickHouseServerProcess(Builder builder) {
    super(
        builder.name,
        builder.logFileOr("clickhouse-server.log"),
        builder.readyTimeout,
        builder.stopGrace);
    this.directory = builder.directory;
    this.binary = builder.binary;
    this.httpPort = builder.httpPort;
    this.tcpPort = builder.tcpPort;
    this.maxMemoryUsageBytes = builder.maxMemoryUsageBytes;
  }

  /** A builder for a server whose configuration and data live in {@code directory}. */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  public int httpPort() {
    return httpPort;
  }

  public int tcpPort() {
    return tcpPort;
  }

  /** The HTTP interface's base URL, {@code http://127.0.0.1:<http port>}. */
  public String httpUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  /**
   * The JDBC URL MarketPrism services use (the {@code ru.yandex} driver talks HTTP; 18.16 needs
   * {@code compress=false}).
   */
  public String jdbcUrl() {
    return "jdbc:clickhouse://127.0.0.1:" + httpPort + "/default?compress=false";
  }

  @Override
  public List<PortClaim> ports() {
    return List.of(
        new PortClaim(httpPort, name(), "HTTP", ""),
        new PortClaim(tcpPort, name(), "native TCP", ""));
  }

  @Override
  public String address() {
    return "127.0.0.1:" + httpPort;
  }

  @Override
  protected List<String> prepareCommand() throws IOException {
    for (String sub : List.of("data", "tmp", "user_files", "format_schemas")) {
      Files.createDirectories(directory.resolve(sub));
    }
    Files.createDirectories(logFile().toAbsolutePath().getParent());
    Path config = directory.resolve("config.xml");
    Files.writeString(directory.resolve("users.xml"), usersXml(), StandardCharsets.UTF_8);
    Files.writeString(config, configXml(), StandardCharsets.UTF_8);
    return List.of(binary.toString(), "--config-file=" + config.toAbsolutePath());
  }

  String configXml() {
    Path dir = directory.toAbsolutePath();
    Path log = logFile().toAbsolutePath();
    Path errorLog =
        log.resolveSibling(log.getFileName().toString().replaceFirst("\\.log$", "") + ".err.log");
    return """
    <?xml version="1.0"?>
    <!-- Written by MarketPrism on every start; edit marketprism.yaml instead. -->
    <yandex>
      <logger>
        <level>information</level>
        <log>%s</log>
        <errorlog>%s</errorlog>
        <size>100M</size>
        <count>3</count>
      </logger>
      <listen_host>127.0.0.1</listen_host>
      <http_port>%d</http_port>
      <tcp_port>%d</tcp_port>
      <max_connections>512</max_connections>
      <keep_alive_timeout>3</keep_alive_timeout>
      <max_concurrent_queries>100</max_concurrent_queries>
      <uncompressed_cache_size>67108864</uncompressed_cache_size>
      <mark_cache_size>134217728</mark_cache_size>
      <path>%s/</path>
      <tmp_path>%s/</tmp_path>
      <user_files_path>%s/</user_files_path>
      <format_schema_path>%s/</format_schema_path>
      <users_config>%s</users_config>
      <default_profile>default</default_profile>
      <default_database>default</default_database>
      <timezone>UTC</timezone>
      <mlock_executable>false</mlock_executable>
      <max_table_size_to_drop>0</max_table_size_to_drop>
      <max_partition_size_to_drop>0</max_partition_size_to_drop>
      <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
      <max_session_timeout>3600</max_session_timeout>
      <default_session_timeout>60</default_session_timeout>
    </yandex>
    """
        .formatted(
            xml(log),
            xml(errorLog),
            httpPort,
            tcpPort,
            xml(dir.resolve("data")),
            xml(dir.resolve("tmp")),
            xml(dir.resolve("user_files")),
            xml(dir.resolve("format_schemas")),
            xml(dir.resolve("users.xml")));
  }

  String usersXml() {
    return """
    <?xml version="1.0"?>
    <!-- Written by MarketPrism on every start: one passwordless user reachable from localhost only. -->
    <yandex>
      <profiles>
        <default>
          <max_memory_usage>%d</max_memory_usage>
          <max_threads>2</max_threads>
          <load_balancing>random</load_balancing>
        </default>
      </profiles>
      <users>
        <default>
          <password></password>
          <networks>
            <ip>::1</ip>
            <ip>127.0.0.1</ip>
          </networks>
          <profile>default</profile>
          <quota>default</quota>
        </default>
      </users>
      <quotas>
        <default>
          <interval>
            <duration>3600</duration>
            <queries>0</queries>
            <errors>0</errors>
            <result_rows>0</result_rows>
            <read_rows>0</read_rows>
            <execution_time>0</execution_time>
          </interval>
        </default>
      </quotas>
    </yandex>
    """
        .formatted(maxMemoryUsageBytes);
  }

  private static String xml(Path path) {
    return path.toString().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  @Override
  protected boolean probeReady() {
    return HttpProbe.get(httpUrl() + "/ping").map(body -> body.strip().equals("Ok.")).orElse(false);
  }

  /**
   * Options for a {@link ClickHouseServerProcess}; ports default to 8123/9000 like a stock server.
   */
  public static final class Builder extends LocalServerOptions<Builder> {
    private int httpPort = 8123;
    private int tcpPort = 9000;
    private long maxMemoryUsageBytes = 2L << 30;

    private Builder(Path directory) {
      super(directory, "clickhouse", Duration.ofSeconds(60), Duration.ofSeconds(15));
    }

    public Builder httpPort(int httpPort) {
      this.httpPort = httpPort;
      return this;
    }

    public Builder tcpPort(int tcpPort) {
      this.tcpPort = tcpPort;
      return this;
    }

    /** The per-query memory limit of the {@code default} profile. */
    public Builder maxMemoryUsageBytes(long bytes) {
      this.maxMemoryUsageBytes = bytes;
      return this;
    }

    /**
     * @throws MissingBinaryException when no binary was given and none is installed
     */
    public ClickHouseServerProcess build() {
      requireBinary("clickhouse-server");
      return new ClickHouseServerProcess(this);
    }
  }
}
