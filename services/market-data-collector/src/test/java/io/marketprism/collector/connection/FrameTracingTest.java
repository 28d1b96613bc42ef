package io.marketprism.collector.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.collector.book.ResyncReason;
import io.marketprism.collector.exchange.FeedListener;
import io.marketprism.collector.exchange.FrameOutcome;
import io.marketprism.collector.exchange.FrameReject;
import io.marketprism.collector.exchange.Frames;
import io.marketprism.collector.exchange.binance.BinanceFeed;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.observability.RootSampler;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FrameTracingTest {

  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported)).build())
      .build();
  /** The span current while each event was emitted: where its publish span would go. */
  private final List<SpanContext> emittedIn = new ArrayList<>();
  private final BinanceFeed feed = new BinanceFeed(new FeedListener() {
    @Override
    public void onEvent(MarketEvent event) {
      emittedIn.add(Span.current().getSpanContext());
    }

    @Override
    public void onReject(FrameReject reject) {
      throw new AssertionError("rejected: " + reject);
    }

    @Override
    public void resyncNeeded(String exchange, String nativeSymbol, ResyncReason reason, String detail) {}
  });

  @AfterEach
  void close() {
    sdk.close();
  }

  @Test
  void sampledFrameIsANewTraceInWhichItsEventsAreEmitted() {
    FrameTracing tracing = new FrameTracing(sdk, RootSampler.ratio(1));

    FrameOutcome outcome = tracing.handle(feed, Frames.frame("binance/trade-spot-combined.json"), Frames.RECEIVE_NS);

    assertThat(emittedIn).isNotEmpty();
    SpanData frame = exported.getFinishedSpanItems().get(0);
    assertThat(frame.getName()).isEqualTo("normalize binance");
    assertThat(frame.getParentSpanContext().isValid()).isFalse();
    assertThat(frame.getAttributes().get(AttributeKey.stringKey("marketprism.frame.outcome")))
        .isEqualTo(outcome.name());
    assertThat(emittedIn).allSatisfy(context -> {
      assertThat(context.getSpanId()).isEqualTo(frame.getSpanId());
      assertThat(context.isSampled()).isTrue();
    });
  }

  @Test
  void unsampledFrameMakesNoSpanAndEmitsOutsideAnyTrace() {
    FrameTracing tracing = new FrameTracing(sdk, RootSampler.ratio(0));

    for (int i = 0; i < 100; i++) {
      tracing.handle(feed, Frames.frame("binance/trade-spot-combined.json"), Frames.RECEIVE_NS);
    }

    assertThat(emittedIn).hasSize(100).allSatisfy(context -> assertThat(context.isValid()).isFalse());
    assertThat(exported.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void ratioTracesAboutThatShareOfFrames() {
    FrameTracing tracing = new FrameTracing(sdk, RootSampler.ratio(0.1));

    for (int i = 0; i < 10_000; i++) {
      tracing.handle(feed, Frames.frame("binance/trade-spot-combined.json"), Frames.RECEIVE_NS);
    }

    // 1,000 expected; a binomial(10,000, 0.1) falls outside 800..1,200 with odds far below 1e-9
    assertThat(exported.getFinishedSpanItems()).hasSizeBetween(800, 1_200);
  }
}
