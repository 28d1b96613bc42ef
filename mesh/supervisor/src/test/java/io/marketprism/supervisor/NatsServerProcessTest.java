package io.marketprism.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NatsServerProcessTest {

  @TempDir Path directory;

  @Test
  void jetStreamPublishIsReadBackFromTheStream() throws Exception {
    try (NatsServerProcess nats = TestProcesses.nats(directory)) {
      nats.start();
      try (Connection connection = Nats.connect(nats.url())) {
        connection
            .jetStreamManagement()
            .addStream(
                StreamConfiguration.builder()
                    .name("MARKET_DATA")
                    .subjects("md.>")
                    .storageType(StorageType.File)
                    .build());
        JetStream jetStream = connection.jetStream();

        PublishAck ack =
            jetStream.publish("md.trade.binance.BTC-USDT", "t1".getBytes(StandardCharsets.UTF_8));
        MessageInfo stored =
            connection.jetStreamManagement().getMessage("MARKET_DATA", ack.getSeqno());

        assertThat(stored.getSubject()).isEqualTo("md.trade.binance.BTC-USDT");
        assertThat(new String(stored.getData(), StandardCharsets.UTF_8)).isEqualTo("t1");
      }
      assertThat(Files.list(nats.storeDirectory()).toList()).isNotEmpty();
    }
  }

  @Test
  void stopEndsTheProcessAndFreesThePort() throws Exception {
    NatsServerProcess nats = TestProcesses.nats(directory);
    nats.start();
    ProcessHandle handle = nats.process().orElseThrow().toHandle();

    nats.stop();

    assertThat(handle.isAlive()).isFalse();
    assertThat(nats.isRunning()).isFalse();
    assertThat(PortCheck.isFree(nats.port())).isTrue();
  }

  @Test
  void configListensOnLoopbackOnlyWithJetStreamUnderItsDirectory() {
    NatsServerProcess nats = TestProcesses.nats(directory);

    assertThat(nats.configText())
        .contains("listen: \"127.0.0.1:" + nats.port() + "\"")
        .contains("http: \"127.0.0.1:" + nats.monitorPort() + "\"")
        .contains("store_dir: \"" + directory.resolve("jetstream").toAbsolutePath() + "\"");
  }
}
