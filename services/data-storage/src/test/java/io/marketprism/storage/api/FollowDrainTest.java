package io.marketprism.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.grpc.Status;
import io.marketprism.storage.StorageFixture;
import io.marketprism.storage.v1.FollowEventsRequest;
import io.marketprism.storage.v1.FollowEventsResponse;
import io.marketprism.storage.v1.StorageServiceGrpc;
import io.marketprism.testkit.ClickHouseServer;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithClickHouse;
import io.marketprism.testkit.WithNats;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A storage instance that starts draining ends its open FollowEvents streams at once with {@code UNAVAILABLE}, so
 * clients move to another instance and the server does not wait out its shutdown grace for streams that never end.
 */
@WithNats
@WithClickHouse
class FollowDrainTest {

  static NatsServer natsServer;
  static ClickHouseServer clickHouseServer;

  @Test
  void openFollowStreamsEndWithUnavailableWhenTheServiceDrains() throws Exception {
    clickHouseServer.query("DROP DATABASE IF EXISTS follow_drain_test");
    // a grace far longer than the test waits: only ending the streams lets the stop finish in time
    try (StorageFixture storage = StorageFixture.start(natsServer.url(), clickHouseServer.jdbcUrl(),
        "follow_drain_test", Map.of("MARKETPRISM_GRPC_SHUTDOWN_GRACE", "120s"))) {
      Iterator<FollowEventsResponse> follow = StorageServiceGrpc.newBlockingStub(storage.channel)
          .withDeadlineAfter(120, TimeUnit.SECONDS)
          .followEvents(FollowEventsRequest.newBuilder().setExchange("binance").setSymbol("DRAIN-USDT").build());
      // the follow is registered once an event published after the call reaches it: publish until one does
      Thread publisher = new Thread(() -> publishUntilInterrupted(storage), "publisher");
      publisher.start();
      assertThat(follow.next().getEventsCount()).isPositive();
      publisher.interrupt();
      publisher.join();

      Thread stopper = new Thread(storage.service::stop, "stopper");
      stopper.start();
      Throwable ended = catchThrowable(() -> {
        while (follow.hasNext()) {
          follow.next();
        }
      });
      stopper.join(TimeUnit.SECONDS.toMillis(60));

      assertThat(Status.fromThrowable(ended).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(Status.fromThrowable(ended).getDescription()).contains("draining");
      assertThat(stopper.isAlive()).as("stop still waiting for the stream after 60 s of a 120 s grace").isFalse();
    }
  }

  private static void publishUntilInterrupted(StorageFixture storage) {
    try {
      for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
        storage.publish(List.of(StorageFixture.trade("DRAIN-USDT", i, StorageFixture.DAY_20231114 + i)));
        Thread.sleep(100);
      }
    } catch (InterruptedException done) {
      Thread.currentThread().interrupt();
    }
  }
}
