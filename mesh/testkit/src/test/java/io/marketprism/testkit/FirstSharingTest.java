package io.marketprism.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** With {@link SecondSharingTest}: both classes must be given the very same servers. */
@WithNats
@WithClickHouse
class FirstSharingTest {

  @Test
  void receivesTheServersEveryOtherClassReceived(NatsServer nats, ClickHouseServer clickHouse) {
    ServersSeen.BY_CLASS.put(getClass().getSimpleName(), List.of(nats, clickHouse));

    assertThat(ServersSeen.BY_CLASS.values())
        .allSatisfy(seen -> assertThat(seen).isEqualTo(List.of(nats, clickHouse)));
    assertThat(clickHouse.query("SELECT 1").strip()).isEqualTo("1");
  }
}
