package io.marketprism.simulator.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketprism.simulator.feed.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides, frame by frame, whether a fault fires, and counts what it injected.
 *
 * <p>Thread-safe: settings are one volatile reference, counters are atomic, randomness is per thread.
 */
public final class FaultInjector {

  private volatile FaultSettings settings;
  private final AtomicLong gaps = new AtomicLong();
  private final AtomicLong badChecksums = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();

  public FaultInjector(FaultSettings settings) {
    this.settings = settings;
  }

  public FaultSettings settings() {
    return settings;
  }

  void settings(FaultSettings settings) {
    this.settings = settings;
  }

  /** Whether to withhold this book update from its subscriber (a sequence gap on the client's side). */
  public boolean sequenceGap() {
    return fire(settings.sequenceGapProbability(), gaps);
  }

  /** Whether this OKX book update gets a wrong checksum. */
  public boolean badChecksum() {
    return fire(settings.badChecksumProbability(), badChecksums);
  }

  /** {@code frame}, or a broken copy of it when the malformed-frame fault fires. */
  public CharSequence maybeMalform(CharSequence frame) {
    FaultSettings current = settings;
    if (!fire(current.malformedFrameProbability(), malformed)) {
      return frame;
    }
    MalformedKind kind = current.malformedKind();
    if (kind == MalformedKind.ANY) {
      kind = ThreadLocalRandom.current().nextBoolean() ? MalformedKind.INVALID_JSON : MalformedKind.MISSING_FIELD;
    }
    return kind == MalformedKind.INVALID_JSON ? truncate(frame) : withoutAField(frame);
  }

  public long gapsInjected() {
    return gaps.get();
  }

  public long badChecksumsInjected() {
    return badChecksums.get();
  }

  public long malformedInjected() {
    return malformed.get();
  }

  private static boolean fire(double probability, AtomicLong counter) {
    if (probability <= 0 || ThreadLocalRandom.current().nextDouble() >= probability) {
      return false;
    }
    counter.incrementAndGet();
    return true;
  }

  private static CharSequence truncate(CharSequence frame) {
    return frame.subSequence(0, Math.max(1, frame.length() / 2));
  }

  /**
   * Removes one field of the event object: the frame's {@code data} (Binance combined, OKX), {@code params.data}
   * (Deribit) or the frame itself (Binance raw); the first element when that is an array.
   */
  static CharSequence withoutAField(CharSequence frame) {
    JsonNode root = Json.parse(frame.toString()).orElse(null);
    if (root == null) {
      return truncate(frame);
    }
    JsonNode event = root;
    if (event.has("params")) {
      event = event.get("params");
    }
    if (event.has("data")) {
      event = event.get("data");
    }
    if (event.isArray() && !event.isEmpty()) {
      event = event.get(0);
    }
    if (!(event instanceof ObjectNode object) || object.isEmpty()) {
      return truncate(frame);
    }
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    object.remove(names.get(ThreadLocalRandom.current().nextInt(names.size())));
    return root.toString();
  }
}
