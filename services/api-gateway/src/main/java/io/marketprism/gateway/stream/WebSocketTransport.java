package io.marketprism.gateway.stream;

import com.linecorp.armeria.common.websocket.WebSocket;
import com.linecorp.armeria.common.websocket.WebSocketCloseStatus;
import com.linecorp.armeria.common.websocket.WebSocketFrame;
import com.linecorp.armeria.common.websocket.WebSocketWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * WebSocket: each message one text frame with its JSON, or {@code {"id":"…","data":{…}}} where the stream can
 * resume; a failure is a last frame {@code {"error":{google.rpc.Status}}} and close code 1011; heartbeats are pings.
 * Frames the client sends are read and ignored (the request is the URL), so its close frame is seen at once.
 */
final class WebSocketTransport implements EventTransport {

  private final WebSocketWriter out = WebSocket.streaming();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile boolean failed;

  WebSocketTransport(WebSocket in) {
    in.subscribe(
        new Subscriber<WebSocketFrame>() {
          @Override
          public void onSubscribe(Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(WebSocketFrame frame) {
            frame.close();
          }

          @Override
          public void onError(Throwable error) {
            closed.complete(null);
          }

          @Override
          public void onComplete() {
            closed.complete(null);
          }
        });
    out.whenComplete().whenComplete((ignored, error) -> closed.complete(null));
  }

  WebSocketWriter outbound() {
    return out;
  }

  @Override
  public Object message(String json, String id) {
    return id == null ? json : "{\"id\":\"" + id.replace("\"", "\\\"") + "\",\"data\":" + json + "}";
  }

  @Override
  public Object error(String statusJson) {
    failed = true;
    return "{\"error\":" + statusJson + "}";
  }

  @Override
  public Object heartbeat() {
    return WebSocketFrame.ofPing();
  }

  @Override
  public void write(List<Object> frames) {
    for (Object frame : frames) {
      if (frame instanceof WebSocketFrame control) {
        out.tryWrite(control);
      } else {
        out.tryWrite((String) frame);
      }
    }
  }

  @Override
  public CompletableFuture<Void> whenConsumed() {
    return out.whenConsumed();
  }

  @Override
  public CompletableFuture<Void> whenClosed() {
    return closed;
  }

  @Override
  public void close() {
    out.close(failed ? WebSocketCloseStatus.INTERNAL_SERVER_ERROR : WebSocketCloseStatus.NORMAL_CLOSURE);
  }
}
