package io.marketprism.simulator.feed;

/**
 * One client connection's conversation in an exchange's protocol: it reads the client's text frames (subscribe,
 * ping, JSON-RPC calls) and pushes market data through its {@link WebSocketConnection}.
 *
 * <p>{@link #onText} and {@link #onClose} are called on the connection's event-loop thread, one at a time.
 */
public interface ProtocolSession {

  void onText(String text);

  /** The connection is gone (either side closed it): drop every market subscription. */
  void onClose();
}
