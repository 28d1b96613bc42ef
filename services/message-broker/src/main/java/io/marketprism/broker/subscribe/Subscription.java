package io.marketprism.broker.subscribe;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.marketprism.broker.v1.DeliveredMessage;
import io.marketprism.broker.v1.SubscribeHeartbeat;
import io.marketprism.broker.v1.SubscribeResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Subscribe call's delivery loop: pulls from its {@link MessageSource} only as many messages as the client has
 * credit for, sends them, and sends a heartbeat after {@code heartbeatInterval} without a message. The loop runs on
 * its own thread ({@link #run}); the request thread calls {@link #grant}, {@link #ack} and {@link #end}.
 *
 * <p>Thread-safe: credit is in {@link Credits}, the end status in an atomic reference; only the loop touches the
 * source's fetch and the sink.
 */
public final class Subscription implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(Subscription.class);

  /** End meaning "the client cancelled: say nothing more". */
  private static final StatusRuntimeException CANCELLED =
      Status.CANCELLED.withDescription("client cancelled").asRuntimeException();

  /** End meaning "complete the call normally". */
  private static final StatusRuntimeException COMPLETED = Status.OK.asRuntimeException();

  /** How the loop pulls. */
  public record Settings(Duration heartbeatInterval, Duration fetchWait, int maxFetchBatch) {}

  private final String description;
  private final MessageSource source;
  private final SubscriptionSink sink;
  private final Credits credits;
  private final Settings settings;
  private final Consumer<Subscription> onClosed;
  private final AtomicReference<StatusRuntimeException> ending = new AtomicReference<>();

  /**
   * @param description names the call in logs ("MARKET_DATA from sequence 42")
   * @param onClosed called with this subscription once the source is closed and the call ended (releases
   *     bindings, unregisters)
   */
  public Subscription(
      String description,
      MessageSource source,
      SubscriptionSink sink,
      long initialCredits,
      Settings settings,
      Consumer<Subscription> onClosed) {
    this.description = description;
    this.source = source;
    this.sink = sink;
    this.credits = new Credits(initialCredits);
    this.settings = settings;
    this.onClosed = onClosed;
  }

  /** More credit from the client. */
  public void grant(int count) {
    credits.grant(count);
  }

  /** Client acknowledgements, by stream sequence. */
  public void ack(List<Long> sequences) {
    source.ack(sequences);
  }

  /**
   * Asks the loop to stop and fail the call with {@code error} (its trailers, e.g. a {@code BadRequest}, are kept).
   * The first end wins; cleanup happens on the loop's thread within one fetch wait.
   */
  public void end(StatusRuntimeException error) {
    if (ending.compareAndSet(null, error)) {
      credits.close();
    }
  }

  /** Stops and completes the call normally (the client half-closed). */
  public void complete() {
    end(COMPLETED);
  }

  /** Stops without a word to the client, which has gone. */
  public void cancel() {
    end(CANCELLED);
  }

  @Override
  public void run() {
    try {
      deliver();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      end(Status.UNAVAILABLE.withDescription("the broker is shutting down").asRuntimeException());
    } catch (StatusRuntimeException e) {
      end(e);
    } catch (Exception e) {
      log.warn("subscription {} failed", description, e);
      end(Status.UNAVAILABLE.withDescription("delivery failed: " + e.getMessage()).withCause(e).asRuntimeException());
    } finally {
      source.close();
      StatusRuntimeException outcome = ending.get();
      if (outcome != CANCELLED) {
        sink.finish(outcome);
      }
      onClosed.accept(this);
      log.debug("subscription {} ended: {}", description, outcome.getStatus());
    }
  }

  private void deliver() throws Exception {
    long heartbeatNanos = settings.heartbeatInterval().toNanos();
    long lastSent = System.nanoTime();
    while (ending.get() == null) {
      long untilHeartbeat = heartbeatNanos - (System.nanoTime() - lastSent);
      if (untilHeartbeat <= 0) {
        sink.send(heartbeat());
        lastSent = System.nanoTime();
        continue;
      }
      long available = credits.awaitAvailable(Duration.ofNanos(untilHeartbeat));
      if (available == 0) {
        continue;
      }
      // A heartbeat may be late by up to one fetch wait; a shorter pull would just be refused by jnats.
      int max = (int) Math.min(available, settings.maxFetchBatch());
      List<DeliveredMessage> batch = source.fetch(max, settings.fetchWait());
      for (DeliveredMessage message : batch) {
        credits.consume();
        sink.send(SubscribeResponse.newBuilder().setMessage(message).build());
      }
      if (!batch.isEmpty()) {
        lastSent = System.nanoTime();
      }
    }
  }

  private SubscribeResponse heartbeat() {
    return SubscribeResponse.newBuilder()
        .setHeartbeat(
            SubscribeHeartbeat.newBuilder()
                .setRemainingCredits(credits.remaining())
                .setNumPending(source.numPending()))
        .build();
  }
}
