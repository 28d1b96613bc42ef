package io.marketprism.gateway.routing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.marketprism.kit.client.Channels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's channel to each upstream, from the kit ({@code xds:///<service>} in the mesh, {@code peers.<service>}
 * without it). A service the gateway has no address for does not stop the gateway: its routes answer
 * {@code UNAVAILABLE} saying what is missing, and every other route works.
 */
public final class UpstreamChannels {

  private static final Logger log = LoggerFactory.getLogger(UpstreamChannels.class);

  private final Map<String, Channel> channels = new LinkedHashMap<>();

  public UpstreamChannels(Channels kitChannels, List<Upstream> upstreams) {
    for (Upstream upstream : upstreams) {
      Channel channel;
      try {
        channel = kitChannels.forService(upstream.service());
      } catch (IllegalArgumentException noAddress) {
        log.warn("routes of {} will answer UNAVAILABLE: {}", upstream.service(), noAddress.getMessage());
        channel = new Unroutable(Status.UNAVAILABLE.withDescription(
            "the gateway has no route to " + upstream.service() + ": " + noAddress.getMessage()));
      }
      channels.put(upstream.service(), channel);
    }
  }

  public Channel of(Upstream upstream) {
    Channel channel = channels.get(upstream.service());
    if (channel == null) {
      throw new IllegalArgumentException("not an upstream of this gateway: " + upstream.service());
    }
    return channel;
  }

  /** A channel whose every call fails at once with one status. */
  private static final class Unroutable extends Channel {
    private final Status status;

    Unroutable(Status status) {
      this.status = status;
    }

    @Override
    public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
      return new ClientCall<>() {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          listener.onClose(status, new Metadata());
        }

        @Override
        public void request(int numMessages) {}

        @Override
        public void cancel(String message, Throwable cause) {}

        @Override
        public void halfClose() {}

        @Override
        public void sendMessage(Q message) {}
      };
    }

    @Override
    public String authority() {
      return "unroutable";
    }
  }
}
