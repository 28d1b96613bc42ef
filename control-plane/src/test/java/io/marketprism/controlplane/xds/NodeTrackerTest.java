package io.marketprism.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.rpc.Status;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.admin.v3.ClientResourceStatus;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.status.v3.ClientConfig;
import io.marketprism.controlplane.snapshot.RequestedNames;
import org.junit.jupiter.api.Test;

class NodeTrackerTest {

  private static final String LDS = Resources.V3.LISTENER_TYPE_URL;

  @Test
  void aNackIsCountedAndShownWithTheErrorUntilTheNodeAcksAgain() {
    RequestedNames requested = new RequestedNames();
    NodeTracker tracker = new NodeTracker(requested);
    Node node = Node.newBuilder().setId("storage~1").setCluster("data-storage").build();
    tracker.onStreamOpen(7, "");
    DiscoveryRequest first = DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(LDS).addResourceNames("svc").build();
    tracker.onV3StreamRequest(7, first);
    tracker.onV3StreamResponse(7, first, DiscoveryResponse.newBuilder().setTypeUrl(LDS).setVersionInfo("v1").setNonce("n1")
        .addResources(Any.pack(Listener.newBuilder().setName("svc").build())).build());
    tracker.onV3StreamRequest(7, DiscoveryRequest.newBuilder().setTypeUrl(LDS).setVersionInfo("v1").setResponseNonce("n1")
        .addResourceNames("svc").build());
    tracker.onV3StreamResponse(7, first, DiscoveryResponse.newBuilder().setTypeUrl(LDS).setVersionInfo("v2").setNonce("n2")
        .addResources(Any.pack(Listener.newBuilder().setName("svc").build())).build());

    tracker.onV3StreamRequest(7, DiscoveryRequest.newBuilder().setTypeUrl(LDS).setVersionInfo("v1").setResponseNonce("n2")
        .addResourceNames("svc").setErrorDetail(Status.newBuilder().setCode(3).setMessage("bad listener")).build());

    assertThat(tracker.nackCount()).isEqualTo(1);
    NodeTracker.TypeStatus lds = tracker.nodes().get(0).types().get(0);
    assertThat(lds.ackedVersion()).isEqualTo("v1");
    assertThat(lds.sentVersion()).isEqualTo("v2");
    assertThat(lds.nackError()).contains("bad listener");
    ClientConfig.GenericXdsConfig csds = new CsdsService(tracker).status().getConfig(0).getGenericXdsConfigs(0);
    assertThat(csds.getName()).isEqualTo("svc");
    assertThat(csds.getClientStatus()).isEqualTo(ClientResourceStatus.NACKED);
    assertThat(csds.getErrorState().getDetails()).isEqualTo("bad listener");
    assertThat(requested.listeners("data-storage")).containsExactly("svc");

    tracker.onV3StreamRequest(7, DiscoveryRequest.newBuilder().setTypeUrl(LDS).setVersionInfo("v2").setResponseNonce("n2")
        .addResourceNames("svc").build());
    assertThat(tracker.nodes().get(0).types().get(0).nackError()).isEmpty();
    assertThat(new CsdsService(tracker).status().getConfig(0).getGenericXdsConfigs(0).getClientStatus())
        .isEqualTo(ClientResourceStatus.ACKED);

    tracker.onStreamClose(7, "");
    assertThat(tracker.nodes()).isEmpty();
  }
}
