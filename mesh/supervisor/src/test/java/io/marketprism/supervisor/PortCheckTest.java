package io.marketprism.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortCheckTest {

  @Test
  void portInUseIsNamedWithItsPurposeAndHowToChangeIt() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      PortClaim claim =
          new PortClaim(
              port,
              "data-storage",
              "gRPC",
              "set services.data-storage.grpc-port in marketprism.yaml");

      assertThatThrownBy(() -> PortCheck.requireFree(List.of(claim)))
          .isInstanceOf(PortConflictException.class)
          .hasMessage(
              "port "
                  + port
                  + " (data-storage gRPC) is already in use by another process; "
                  + "to use another port, set services.data-storage.grpc-port in marketprism.yaml");
    }
  }

  @Test
  void samePortClaimedTwiceIsAConflictEvenWhenFree() {
    int port = FreePorts.allocate();
    List<PortClaim> claims =
        List.of(PortClaim.of(port, "nats", "client"), PortClaim.of(port, "clickhouse", "HTTP"));

    assertThatThrownBy(() -> PortCheck.requireFree(claims))
        .isInstanceOf(PortConflictException.class)
        .hasMessageContaining(
            "port " + port + " (clickhouse HTTP) is also configured for nats client");
  }

  @Test
  void freePortsPass() {
    List<Integer> ports = FreePorts.allocate(3);

    PortCheck.requireFree(ports.stream().map(port -> PortClaim.of(port, "x", "y" + port)).toList());

    assertThat(ports).doesNotHaveDuplicates();
  }
}
