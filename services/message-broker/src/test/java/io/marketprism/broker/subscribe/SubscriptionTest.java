package io.marketprism.broker.subscribe;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.marketprism.broker.v1.DeliveredMessage;
import io.marketprism.broker.v1.SubscribeResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The credit loop on its own, over an in-memory source (the JetStream side is covered by SubscribeApiTest). */
class SubscriptionTest {

  /** Messages 1..n; records the largest batch asked for and whether it was closed. */
  static class ListSource implements MessageSource {
    private final BlockingQueue<DeliveredMessage> queue = new LinkedBlockingQueue<>();
    final List<Integer> asked = new ArrayList<>();
    final CountDownLatch closed = new CountDownLatch(1);

    ListSource(int count) {
      for (int i = 1; i <= count; i++) {
        queue.add(DeliveredMessage.newBuilder().setSequence(i).build());
      }
    }

    @Override
    public synchronized List<DeliveredMessage> fetch(int max, Duration wait) throws InterruptedException {
      asked.add(max);
      List<DeliveredMessage> batch = new ArrayList<>();
      DeliveredMessage first = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (first != null) {
        batch.add(first);
        queue.drainTo(batch, max - 1);
      }
      return batch;
    }

    @Override
    public void ack(List<Long> sequences) {}

    @Override
    public long numPending() {
      return queue.size();
    }

    @Override
    public void close() {
      closed.countDown();
    }
  }

  static final class QueueSink implements SubscriptionSink {
    final BlockingQueue<SubscribeResponse> sent = new LinkedBlockingQueue<>();
    final CompletableFuture<Status> finished = new CompletableFuture<>();

    @Override
    public void send(SubscribeResponse response) {
      sent.add(response);
    }

    @Override
    public void finish(StatusRuntimeException outcome) {
      finished.complete(outcome.getStatus());
    }

    SubscribeResponse next() throws InterruptedException {
      SubscribeResponse response = sent.poll(10, TimeUnit.SECONDS);
      assertThat(response).isNotNull();
      return response;
    }
  }

  private static final Subscription.Settings FAST =
      new Subscription.Settings(Duration.ofMillis(100), Duration.ofMillis(20), 4);

  @Test
  void sendsNoMoreThanTheCreditAndAsksTheSourceForNoMore() throws Exception {
    ListSource source = new ListSource(20);
    QueueSink sink = new QueueSink();
    CountDownLatch ended = new CountDownLatch(1);
    Subscription subscription = new Subscription("test", source, sink, 6, FAST, self -> ended.countDown());
    Thread loop = new Thread(subscription);
    loop.start();

    List<Long> sequences = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      sequences.add(sink.next().getMessage().getSequence());
    }
    SubscribeResponse afterCredit = sink.next();
    subscription.complete();
    loop.join(10_000);

    assertThat(sequences).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(afterCredit.hasHeartbeat()).isTrue();
    assertThat(afterCredit.getHeartbeat().getRemainingCredits()).isZero();
    assertThat(afterCredit.getHeartbeat().getNumPending()).isEqualTo(14);
    assertThat(source.asked).as("batches within the credit and max-fetch-batch").containsExactly(4, 2);
    assertThat(sink.finished.get(10, TimeUnit.SECONDS).isOk()).isTrue();
    assertThat(source.closed.getCount()).isZero();
    assertThat(ended.getCount()).isZero();
  }

  @Test
  void cancelClosesTheSourceAndSaysNothingMore() throws Exception {
    ListSource source = new ListSource(0);
    QueueSink sink = new QueueSink();
    Subscription subscription = new Subscription("test", source, sink, 0, FAST, self -> {});
    Thread loop = new Thread(subscription);
    loop.start();

    subscription.cancel();
    loop.join(10_000);

    assertThat(source.closed.getCount()).isZero();
    assertThat(sink.finished).isNotDone();
  }

  @Test
  void sourceFailureEndsTheCallWithItsStatus() throws Exception {
    MessageSource failing =
        new ListSource(0) {
          @Override
          public synchronized List<DeliveredMessage> fetch(int max, Duration wait) {
            throw Status.NOT_FOUND.withDescription("consumer deleted").asRuntimeException();
          }
        };
    QueueSink sink = new QueueSink();
    Thread loop = new Thread(new Subscription("test", failing, sink, 1, FAST, self -> {}));
    loop.start();

    Status status = sink.finished.get(10, TimeUnit.SECONDS);

    assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(status.getDescription()).isEqualTo("consumer deleted");
  }
}
