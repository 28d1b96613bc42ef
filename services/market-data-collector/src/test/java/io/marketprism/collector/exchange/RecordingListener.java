package io.marketprism.collector.exchange;

import io.marketprism.collector.book.ResyncReason;
import io.marketprism.marketdata.v1.MarketEvent;
import java.util.ArrayList;
import java.util.List;

/** Keeps everything a feed reports, for assertions. */
public final class RecordingListener implements FeedListener {
  /** One resync request. */
  public record Resync(String exchange, String nativeSymbol, ResyncReason reason, String detail) {}

  public final List<MarketEvent> events = new ArrayList<>();
  public final List<FrameReject> rejects = new ArrayList<>();
  public final List<Resync> resyncs = new ArrayList<>();

  @Override
  public void onEvent(MarketEvent event) {
    events.add(event);
  }

  @Override
  public void onReject(FrameReject reject) {
    rejects.add(reject);
  }

  @Override
  public void resyncNeeded(String exchange, String nativeSymbol, ResyncReason reason, String detail) {
    resyncs.add(new Resync(exchange, nativeSymbol, reason, detail));
  }

  /** Resync requests for faults (not the routine first-snapshot request). */
  public List<Resync> faults() {
    return resyncs.stream().filter(r -> r.reason() != ResyncReason.NO_SNAPSHOT).toList();
  }

  /** Forgets what was recorded so far. */
  public void clear() {
    events.clear();
    rejects.clear();
    resyncs.clear();
  }
}
