package io.marketprism.storage.api;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.messaging.MarketEventCodec;
import io.marketprism.storage.v1.FollowEventsResponse;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Live events for {@code FollowEvents}: the ingest hands every event it receives to {@link #accept}, which offers it
 * to each matching follower's queue of {@value #MAX_BEHIND} events; a follower whose queue is full is cut off with
 * {@code RESOURCE_EXHAUSTED}, so a slow client never slows ingest. Each follower is drained by its own task, which
 * sends when the client's transport is ready. When the service starts draining, every follow ends with
 * {@code UNAVAILABLE} within a poll interval, so open streams do not hold the server until its shutdown grace runs out.
 *
 * <p>Thread-safe: followers live in a copy-on-write set; each queue is a concurrent queue.
 */
public final class FollowHub implements Consumer<MarketEvent>, AutoCloseable {

  /** Events a follower may fall behind before it is cut off. */
  static final int MAX_BEHIND = 10_000;

  private static final int EVENTS_PER_MESSAGE = 100;

  private static final Status DRAINING =
      Status.UNAVAILABLE.withDescription("storage is draining; reconnect to another instance");

  private final Set<Follower> followers = new CopyOnWriteArraySet<>();
  private final ExecutorService senders = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "follow-events");
    thread.setDaemon(true);
    return thread;
  });
  private final BooleanSupplier draining;
  private volatile boolean closed;

  /** @param draining true once the service has begun to shut down */
  public FollowHub(BooleanSupplier draining) {
    this.draining = draining;
  }

  /** One client's subscription. */
  private final class Follower implements Runnable {
    private final String exchange;
    private final String symbol;
    private final Set<DataType> types;
    private final ServerCallStreamObserver<FollowEventsResponse> observer;
    private final BlockingQueue<MarketEvent> queue = new ArrayBlockingQueue<>(MAX_BEHIND);
    private volatile Status ending;

    Follower(String exchange, String symbol, Set<DataType> types,
        ServerCallStreamObserver<FollowEventsResponse> observer) {
      this.exchange = exchange;
      this.symbol = symbol;
      this.types = types;
      this.observer = observer;
    }

    boolean matches(MarketEvent event) {
      return MarketEventCodec.exchange(event).equals(exchange)
          && (symbol.equals("*") || MarketEventCodec.symbol(event).equals(symbol))
          && (types.isEmpty() || types.contains(MarketEventCodec.typeOf(event)));
    }

    void offer(MarketEvent event) {
      if (ending == null && !queue.offer(event)) {
        ending = Status.RESOURCE_EXHAUSTED.withDescription(
            "fell more than " + MAX_BEHIND + " events behind; reconnect and replay from the last event's time");
      }
    }

    @Override
    public void run() {
      try {
        while (ending == null && !observer.isCancelled()) {
          if (draining.getAsBoolean()) {
            ending = DRAINING;
            break;
          }
          MarketEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          while (!observer.isReady() && ending == null && !observer.isCancelled()) {
            Thread.sleep(5);
          }
          FollowEventsResponse.Builder response = FollowEventsResponse.newBuilder().addEvents(first);
          MarketEvent next;
          while (response.getEventsCount() < EVENTS_PER_MESSAGE && (next = queue.poll()) != null) {
            response.addEvents(next);
          }
          synchronized (observer) {
            if (ending == null && !observer.isCancelled()) {
              observer.onNext(response.build());
            }
          }
        }
        if (!observer.isCancelled()) {
          synchronized (observer) {
            observer.onError(ending.asRuntimeException());
          }
        }
      } catch (InterruptedException stopping) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException clientGone) {
        // the call was cancelled between our check and onNext
      } finally {
        followers.remove(this);
      }
    }
  }

  /** Streams matching live events to {@code observer} until the client leaves or falls behind. */
  void follow(String exchange, String symbol, Set<DataType> types,
      ServerCallStreamObserver<FollowEventsResponse> observer) {
    Follower follower = new Follower(exchange, symbol, types, observer);
    if (closed || draining.getAsBoolean()) {
      observer.onError(DRAINING.asRuntimeException());
      return;
    }
    followers.add(follower);
    senders.execute(follower);
  }

  @Override
  public void accept(MarketEvent event) {
    for (Follower follower : followers) {
      if (follower.matches(event)) {
        follower.offer(event);
      }
    }
  }

  /** Ends every follow with {@code UNAVAILABLE}. */
  @Override
  public void close() throws InterruptedException {
    closed = true;
    for (Follower follower : followers) {
      follower.ending = DRAINING;
    }
    senders.shutdown();
    senders.awaitTermination(5, TimeUnit.SECONDS);
  }
}
