package io.marketprism.scheduler.store;

import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader lease: key {@code leader} of the lease bucket holds {@code <instance> <expiry epoch ms>}. Every third of
 * the TTL the holder renews it with compare-and-set on the revision it wrote last; a contender takes it over, also
 * by compare-and-set, only once the expiry has passed. So at most one instance holds a live lease, and a dead leader
 * is replaced within one TTL (plus a third). The holder stops acting as leader as soon as it cannot prove a renewal
 * younger than the TTL, before a contender may take over. The revision at election is the fencing token written into
 * every run it fires.
 *
 * <p>Thread-safe: all state changes happen on the lease's own thread; {@link #isLeader()} reads a volatile.
 */
public final class LeaderLease implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LeaderLease.class);
  private static final String KEY = "leader";

  /** Who holds a live lease, and until when (epoch ms) unless renewed. */
  public record Holder(String instance, long expiryMillis) {}

  /** Told when this instance becomes leader and when it stops being one; called on the lease's thread. */
  public interface Listener {
    void elected(long fencingToken);

    void demoted();
  }

  private final KeyValue kv;
  private final String instance;
  private final Duration ttl;
  private final Clock clock;
  private final ScheduledExecutorService thread;
  private volatile Listener listener;

  private long heldRevision;
  private volatile long validUntilMillis;
  private volatile long fencingToken;

  public LeaderLease(SchedulerBuckets buckets, String instance, Duration ttl, Clock clock) {
    this.kv = buckets.lease();
    this.instance = instance;
    this.ttl = ttl;
    this.clock = clock;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "scheduler-lease"));
  }

  /** Starts contending for the lease; {@code listener} hears of every election and demotion. */
  public void start(Listener listener) {
    this.listener = listener;
    long period = Math.max(50, ttl.toMillis() / 3);
    thread.scheduleWithFixedDelay(this::tick, 0, period, TimeUnit.MILLISECONDS);
  }

  /** True while this instance holds a lease younger than its TTL. */
  public boolean isLeader() {
    return clock.millis() < validUntilMillis;
  }

  /** The revision of the lease when this instance was elected (0 when it is not leader). */
  public long fencingToken() {
    return isLeader() ? fencingToken : 0;
  }

  public String instance() {
    return instance;
  }

  /** The instance holding a live lease as the store says, whichever replica asks; empty if none does. */
  public Optional<Holder> holder() {
    KeyValueEntry entry = SchedulerBuckets.entry(kv, KEY);
    if (entry == null) {
      return Optional.empty();
    }
    Holder holder = parse(entry);
    return holder.expiryMillis() > clock.millis() ? Optional.of(holder) : Optional.empty();
  }

  private static Holder parse(KeyValueEntry entry) {
    String[] parts = new String(entry.getValue(), StandardCharsets.UTF_8).split(" ");
    return new Holder(parts[0], Long.parseLong(parts[1]));
  }

  private void tick() {
    try {
      long now = clock.millis();
      boolean wasLeader = heldRevision != 0;
      Optional<Long> written;
      if (wasLeader) {
        written = SchedulerBuckets.compareAndSet(kv, KEY, value(now), heldRevision);
      } else {
        written = takeOverIfExpired(now);
      }
      if (written.isPresent()) {
        heldRevision = written.get();
        validUntilMillis = now + ttl.toMillis();
        if (!wasLeader) {
          fencingToken = heldRevision;
          log.info("scheduler {} is leader (lease revision {})", instance, heldRevision);
          listener.elected(heldRevision);
        }
      } else if (wasLeader) {
        lose("another instance took the lease over");
      }
    } catch (RuntimeException e) {
      log.warn("scheduler lease: {}", e.toString());
      if (heldRevision != 0 && !isLeader()) {
        lose("the lease could not be renewed within its TTL");
      }
    }
  }

  private Optional<Long> takeOverIfExpired(long now) {
    KeyValueEntry entry = SchedulerBuckets.entry(kv, KEY);
    if (entry == null) {
      return SchedulerBuckets.compareAndSet(kv, KEY, value(now), 0);
    }
    Holder holder = parse(entry);
    if (now < holder.expiryMillis() && !holder.instance().equals(instance)) {
      return Optional.empty();
    }
    return SchedulerBuckets.compareAndSet(kv, KEY, value(now), entry.getRevision());
  }

  private void lose(String why) {
    log.warn("scheduler {} is no longer leader: {}", instance, why);
    heldRevision = 0;
    validUntilMillis = 0;
    listener.demoted();
  }

  private byte[] value(long now) {
    return (instance + " " + (now + ttl.toMillis())).getBytes(StandardCharsets.UTF_8);
  }

  /** Stops renewing; a lease held is given up at once (expiry now) so another replica takes over without waiting. */
  @Override
  public void close() throws InterruptedException {
    thread.shutdownNow();
    thread.awaitTermination(5, TimeUnit.SECONDS);
    if (heldRevision != 0) {
      validUntilMillis = 0;
      try {
        SchedulerBuckets.compareAndSet(kv, KEY, (instance + " 0").getBytes(StandardCharsets.UTF_8), heldRevision);
      } catch (RuntimeException e) {
        log.warn("scheduler lease not released (it expires by itself): {}", e.toString());
      }
      heldRevision = 0;
      listener.demoted();
    }
  }
}
