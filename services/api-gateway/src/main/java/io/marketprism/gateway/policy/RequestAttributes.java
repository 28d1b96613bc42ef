package io.marketprism.gateway.policy;

import io.netty.util.AttributeKey;

/** What the edge learns about a request on its way in, for the parts that act on it later (cache, log, metrics). */
public final class RequestAttributes {

  /** The full gRPC method the request was routed to ({@code marketprism.storage.v1.StorageService/ListTrades}). */
  public static final AttributeKey<String> METHOD = AttributeKey.valueOf(RequestAttributes.class, "METHOD");

  /** {@code hit} or {@code miss} when the response cache was consulted. */
  public static final AttributeKey<String> CACHE = AttributeKey.valueOf(RequestAttributes.class, "CACHE");

  private RequestAttributes() {}
}
