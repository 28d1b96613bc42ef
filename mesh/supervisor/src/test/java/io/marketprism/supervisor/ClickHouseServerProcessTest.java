package io.marketprism.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClickHouseServerProcessTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path directory;

  @Test
  void servesQueriesFromItsOwnConfigAndDataDirectory() throws Exception {
    var ports = FreePorts.allocate(2);
    try (ClickHouseServerProcess clickHouse =
        ClickHouseServerProcess.builder(directory)
            .httpPort(ports.get(0))
            .tcpPort(ports.get(1))
            .stopGrace(Duration.ofSeconds(10))
            .build()) {
      clickHouse.start();

      assertThat(post(clickHouse, "SELECT version()")).matches("\\d+\\.\\d+.*\\n");
      post(
          clickHouse,
          "CREATE TABLE supervisor_test (id UInt64, symbol String) ENGINE = MergeTree ORDER BY id");
      post(clickHouse, "INSERT INTO supervisor_test VALUES (1, 'BTC-USDT'), (2, 'ETH-USDT')");
      assertThat(post(clickHouse, "SELECT count(), max(symbol) FROM supervisor_test"))
          .isEqualTo("2\tETH-USDT\n");
      assertThat(post(clickHouse, "SELECT value FROM system.settings WHERE name = 'max_threads'"))
          .isEqualTo("2\n");
      assertThat(directory.resolve("data/data/default/supervisor_test")).isDirectory();
      assertThat(PortCheck.isFree(clickHouse.tcpPort())).isFalse();
    }
    assertThat(PortCheck.isFree(ports.get(0))).isTrue();
  }

  @Test
  void configNeverPointsOutsideItsDirectory() {
    ClickHouseServerProcess clickHouse = ClickHouseServerProcess.builder(directory).build();

    assertThat(clickHouse.configXml())
        .doesNotContain("/etc/")
        .doesNotContain("/var/")
        .doesNotContain("interserver_http_port")
        .contains("<listen_host>127.0.0.1</listen_host>");
    assertThat(clickHouse.usersXml()).contains("<ip>127.0.0.1</ip>").doesNotContain("::/0");
  }

  private static String post(ClickHouseServerProcess clickHouse, String sql) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(clickHouse.httpUrl() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(sql))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }
}
