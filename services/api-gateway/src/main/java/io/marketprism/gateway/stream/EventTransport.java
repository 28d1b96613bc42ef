package io.marketprism.gateway.stream;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * How a live stream's messages reach one client: Server-Sent Events or WebSocket frames. Implementations format
 * and write; {@link StreamRelay} decides what to write and when.
 */
interface EventTransport {

  /** One upstream message, as the client will read it: its JSON and, where the stream can resume, its id. */
  Object message(String json, String id);

  /** The stream's last frame when it fails: the JSON {@code google.rpc.Status} of why. */
  Object error(String statusJson);

  /** Something to send when nothing else was sent for a while, so idle connections stay open through proxies. */
  Object heartbeat();

  /** Writes {@code frames}, in order, as one batch. */
  void write(List<Object> frames);

  /** Completes when the client has taken everything written so far. */
  CompletableFuture<Void> whenConsumed();

  /** Completes when the client goes away or the stream ends. */
  CompletableFuture<Void> whenClosed();

  /** Ends the stream after what was written. */
  void close();
}
