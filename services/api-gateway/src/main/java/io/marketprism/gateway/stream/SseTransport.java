package io.marketprism.gateway.stream;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpResponseWriter;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Server-Sent Events: each message an event whose {@code data} is the message's JSON (with an {@code id} where the
 * stream can resume); a failure is a last {@code event: error} with a JSON {@code google.rpc.Status}; heartbeats
 * are comments. A batch is one HTTP chunk.
 */
final class SseTransport implements EventTransport {

  private final HttpResponseWriter response = HttpResponse.streaming();

  SseTransport() {
    response.write(
        ResponseHeaders.builder(HttpStatus.OK)
            .contentType(MediaType.EVENT_STREAM)
            .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
            // tells nginx-style proxies not to buffer the stream
            .set("x-accel-buffering", "no")
            .build());
  }

  HttpResponse response() {
    return response;
  }

  @Override
  public Object message(String json, String id) {
    return id == null ? "data: " + json + "\n\n" : "id: " + id + "\ndata: " + json + "\n\n";
  }

  @Override
  public Object error(String statusJson) {
    return "event: error\ndata: " + statusJson + "\n\n";
  }

  @Override
  public Object heartbeat() {
    return ": keep-alive\n\n";
  }

  @Override
  public void write(List<Object> frames) {
    StringBuilder chunk = new StringBuilder();
    frames.forEach(chunk::append);
    response.tryWrite(HttpData.ofUtf8(chunk.toString()));
  }

  @Override
  public CompletableFuture<Void> whenConsumed() {
    return response.whenConsumed();
  }

  @Override
  public CompletableFuture<Void> whenClosed() {
    return response.whenComplete();
  }

  @Override
  public void close() {
    response.close();
  }
}
