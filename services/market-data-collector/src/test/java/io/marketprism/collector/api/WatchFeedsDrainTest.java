package io.marketprism.collector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.grpc.Status;
import io.marketprism.collector.CollectorFixture;
import io.marketprism.collector.SimulatorFixture;
import io.marketprism.collector.v1.CollectorServiceGrpc;
import io.marketprism.collector.v1.WatchFeedsRequest;
import io.marketprism.collector.v1.WatchFeedsResponse;
import io.marketprism.simulator.ExchangeSimulator;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A collector that starts draining ends its open WatchFeeds streams at once with {@code UNAVAILABLE}, so clients move
 * on and the server does not wait out its shutdown grace for streams that never end on their own.
 */
@WithNats
class WatchFeedsDrainTest {

  @Test
  void openWatchStreamsEndWithUnavailableWhenTheServiceDrains(NatsServer nats) throws Exception {
    try (ExchangeSimulator simulator = SimulatorFixture.start(Map.of());
        // a grace far longer than the test waits: only ending the streams lets the stop finish in time
        CollectorFixture collector = CollectorFixture.start(simulator, nats, null,
            Map.of("MARKETPRISM_GRPC_SHUTDOWN_GRACE", "120s"))) {
      Iterator<WatchFeedsResponse> watch = CollectorServiceGrpc.newBlockingStub(collector.channel)
          .withDeadlineAfter(120, TimeUnit.SECONDS)
          .watchFeeds(WatchFeedsRequest.getDefaultInstance());
      assertThat(watch.next().getFeedsCount()).isPositive();

      Thread stopper = new Thread(collector.service::stop, "stopper");
      stopper.start();
      Throwable ended = catchThrowable(() -> {
        while (watch.hasNext()) {
          watch.next();
        }
      });
      stopper.join(TimeUnit.SECONDS.toMillis(60));

      assertThat(Status.fromThrowable(ended).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(Status.fromThrowable(ended).getDescription()).contains("draining");
      assertThat(stopper.isAlive()).as("stop still waiting for the stream after 60 s of a 120 s grace").isFalse();
    }
  }
}
