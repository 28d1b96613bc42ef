package io.marketprism.storage.ingest;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.support.NatsJetStreamConstants;
import io.nats.client.support.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JetStream pull consumer spoken over core NATS: pull requests go to {@code $JS.API.CONSUMER.MSG.NEXT.<stream>.
 * <durable>} with a reply subject on one inbox subscription, where the messages and the server's status replies
 * arrive. jnats' own pull consumer does the same plus per-message bookkeeping this ingest has no use for (it parses
 * every message's JetStream metadata out of its reply subject, with a regular-expression split, and looks for
 * priority-group pin headers): half of the fetch thread's CPU at 100k messages/s. Acks are unchanged: a message's
 * reply subject is its ack subject.
 *
 * <p>Up to two batches are requested at a time: another request goes out whenever less than one batch is still
 * expected, so messages keep flowing while the caller works. A request ends when all its messages have come, or with a
 * status ({@code 408} when it expired, {@code 409} when the server gave up on it) that says how many of its messages
 * will not come ({@code Nats-Pending-Messages}). A server that restarts forgets waiting requests without a word, and
 * JetStream ignores requests to a consumer it does not have, so when nothing at all has arrived for a request's
 * expiry and a grace, the consumer's existence is checked and everything outstanding is requested anew; a request
 * too many only waits out its expiry on the server.
 *
 * <p>Not thread-safe: one fetch thread.
 */
final class PullConsumer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PullConsumer.class);

  /** How long the server keeps one pull request waiting for messages. */
  static final Duration DEFAULT_EXPIRY = Duration.ofSeconds(5);

  /** How much longer than a request's expiry its 408 may take to arrive. */
  private static final Duration GRACE = Duration.ofSeconds(5);

  private final Connection nats;
  private final String stream;
  private final String durable;
  private final String requestSubject;
  private final String inbox;
  private final Subscription subscription;
  private final int batch;
  private final Duration expiry;
  private final byte[] request;

  /** Messages requested and neither received nor reported as not coming. */
  private long outstanding;

  private long requests;
  private long lastHeardNanos = System.nanoTime();

  /**
   * @param batch messages per pull request
   * @param expiry how long the server keeps a request waiting; nothing heard for this plus a grace means requests were
   *     lost
   */
  PullConsumer(Connection nats, String stream, String durable, int batch, Duration expiry) {
    this.nats = nats;
    this.stream = stream;
    this.durable = durable;
    this.requestSubject = "$JS.API.CONSUMER.MSG.NEXT." + stream + "." + durable;
    this.inbox = nats.createInbox();
    this.subscription = nats.subscribe(inbox + ".*");
    this.batch = batch;
    this.expiry = expiry;
    this.request = ("{\"batch\":" + batch + ",\"expires\":" + expiry.toNanos() + "}")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The next message of the consumer, waiting up to {@code wait} for it; null if none came. Never a status message.
   *
   * @throws ConsumerGoneException if the server says the consumer does not exist (any more)
   */
  Message next(Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      requestMore();
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return null;
      }
      // wake up at least once per expiry, so that lost requests are noticed while the caller waits long
      Message message = subscription.nextMessage(Duration.ofNanos(Math.min(remaining, expiry.toNanos())));
      if (message == null) {
        forgetLostRequests();
        continue;
      }
      lastHeardNanos = System.nanoTime();
      if (!message.isStatusMessage()) {
        outstanding--;
        return message;
      }
      handle(message);
    }
  }

  /** Requests another batch while less than one is on its way. */
  private void requestMore() {
    while (outstanding < batch) {
      nats.publish(requestSubject, inbox + "." + (++requests), request);
      outstanding += batch;
    }
  }

  /**
   * After a silence longer than any request could wait, asks whether the consumer still exists (JetStream ignores pull
   * requests to a consumer it does not have) and requests anew.
   */
  private void forgetLostRequests() {
    if (outstanding > 0 && System.nanoTime() - lastHeardNanos > expiry.toNanos() + GRACE.toNanos()) {
      log.debug("nothing from {} for {}; requesting anew", requestSubject, expiry.plus(GRACE));
      outstanding = 0;
      lastHeardNanos = System.nanoTime();
      try {
        nats.jetStreamManagement().getConsumerInfo(stream, durable);
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() == NatsJetStreamConstants.JS_CONSUMER_NOT_FOUND_ERR) {
          throw new ConsumerGoneException(requestSubject + ": " + e.getErrorDescription());
        }
      } catch (IOException notNow) {
        // NATS away: the next silence asks again
      }
    }
  }

  private void handle(Message status) {
    int code = status.getStatus().getCode();
    switch (code) {
      case Status.FLOW_OR_HEARTBEAT_STATUS_CODE -> { } // an idle heartbeat: nothing to do
      case Status.REQUEST_TIMEOUT_CODE, Status.CONFLICT_CODE, Status.NOT_FOUND_CODE -> {
        String pending = status.getHeaders() == null ? null
            : status.getHeaders().getFirst(NatsJetStreamConstants.NATS_PENDING_MESSAGES);
        if (pending != null) {
          outstanding -= Long.parseLong(pending.strip());
        } else {
          // the server did not say how much of the request is void: ask again from scratch
          outstanding = 0;
        }
        if (code == Status.CONFLICT_CODE && isConsumerDeleted(status)) {
          throw new ConsumerGoneException(requestSubject + ": " + status.getStatus().getMessage());
        }
        if (code == Status.CONFLICT_CODE) {
          log.debug("pull request to {} ended: {}", requestSubject, status.getStatus().getMessage());
        }
      }
      case Status.NO_RESPONDERS_CODE -> {
        outstanding = 0;
        throw new ConsumerGoneException(requestSubject + ": no JetStream consumer answers");
      }
      default -> {
        outstanding = 0;
        log.warn("unexpected status from {}: {} {}", requestSubject, code, status.getStatus().getMessage());
      }
    }
  }

  private static boolean isConsumerDeleted(Message status) {
    String text = status.getStatus().getMessage();
    return text != null && text.toLowerCase(Locale.ROOT).contains("consumer deleted");
  }

  /** Pull requests sent so far. */
  long requestsSent() {
    return requests;
  }

  @Override
  public void close() {
    try {
      subscription.unsubscribe();
    } catch (IllegalStateException closed) {
      // the connection is closed already, and the subscription with it
    }
  }

  /** The consumer is not there (deleted, or never created): the caller creates it again or waits. */
  static final class ConsumerGoneException extends RuntimeException {
    ConsumerGoneException(String message) {
      super(message);
    }
  }
}
