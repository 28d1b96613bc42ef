package io.marketprism.simulator.feed;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Optional;

/** Plain HTTP routes on the feed port: exchanges' REST snapshots and the simulator's admin API. */
public interface HttpEndpoint {

  /** Whether this endpoint serves {@code path}, whatever the method (a wrong method is the endpoint's 405). */
  boolean handles(String path);

  /** Answers the request; runs on an event-loop thread, so it must not block. */
  HttpReply handle(FullHttpRequest request, QueryStringDecoder uri);

  /** The first value of query parameter {@code name}, if given. */
  static Optional<String> parameter(QueryStringDecoder uri, String name) {
    List<String> values = uri.parameters().get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }
}
