package io.marketprism.simulator.fault;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketprism.kit.config.Durations;
import io.marketprism.simulator.feed.HttpEndpoint;
import io.marketprism.simulator.feed.HttpReply;
import io.marketprism.simulator.feed.Json;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The simulator's control surface on the feed port.
 *
 * <ul>
 *   <li>{@code GET /admin/faults}: the faults in force and how many of each were injected.
 *   <li>{@code POST /admin/faults} with any of {@code sequence-gap-probability}, {@code bad-checksum-probability},
 *       {@code malformed-frame-probability} (0..1), {@code malformed-kind} ({@code invalid-json},
 *       {@code missing-field}, {@code any}), {@code drop-connections-every} ({@code "30s"}, {@code "0s"} = never):
 *       changes those, keeps the rest, answers like GET. An unknown key or bad value is a 400 naming it.
 *   <li>{@code POST /admin/faults/drop-connections} with optional {@code exchange} ({@code binance}, {@code okx},
 *       {@code deribit}) and {@code fraction} (0..1, default 1): drops them now, answers {@code {"dropped": n}}.
 *   <li>{@code GET /admin/stats}: open connections and frames sent.
 * </ul>
 */
public final class AdminEndpoint implements HttpEndpoint {

  private static final Set<String> SETTINGS_KEYS =
      Set.of(
          "sequence-gap-probability", "bad-checksum-probability", "malformed-frame-probability", "malformed-kind",
          "drop-connections-every");
  private static final Set<String> EXCHANGES = Set.of("binance", "okx", "deribit");

  private final FaultController faults;
  private final LongSupplier connections;
  private final LongSupplier framesSent;

  public AdminEndpoint(FaultController faults, LongSupplier connections, LongSupplier framesSent) {
    this.faults = faults;
    this.connections = connections;
    this.framesSent = framesSent;
  }

  @Override
  public boolean handles(String path) {
    return path.startsWith("/admin/");
  }

  @Override
  public HttpReply handle(FullHttpRequest request, QueryStringDecoder uri) {
    String path = uri.path();
    boolean post = request.method().equals(HttpMethod.POST);
    boolean get = request.method().equals(HttpMethod.GET);
    try {
      if (path.equals("/admin/faults") && get) {
        return HttpReply.ok(describe());
      }
      if (path.equals("/admin/faults") && post) {
        faults.apply(merge(faults.injector().settings(), body(request)));
        return HttpReply.ok(describe());
      }
      if (path.equals("/admin/faults/drop-connections") && post) {
        return dropConnections(body(request));
      }
      if (path.equals("/admin/stats") && get) {
        return HttpReply.ok(
            "{\"connections\":" + connections.getAsLong() + ",\"frames-sent\":" + framesSent.getAsLong() + "}");
      }
    } catch (IllegalArgumentException e) {
      return HttpReply.error(400, e.getMessage());
    }
    return HttpReply.error(404, "no such admin endpoint: " + request.method() + " " + path);
  }

  private static JsonNode body(FullHttpRequest request) {
    String text = request.content().toString(StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return Json.nodes().objectNode();
    }
    JsonNode body = Json.parse(text).orElseThrow(() -> new IllegalArgumentException("the body is not JSON"));
    if (!body.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object");
    }
    return body;
  }

  private static FaultSettings merge(FaultSettings current, JsonNode body) {
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!SETTINGS_KEYS.contains(name)) {
        throw new IllegalArgumentException("unknown key " + name + " (known: " + String.join(", ", SETTINGS_KEYS) + ")");
      }
    }
    return new FaultSettings(
        probability(body, "sequence-gap-probability", current.sequenceGapProbability()),
        probability(body, "bad-checksum-probability", current.badChecksumProbability()),
        probability(body, "malformed-frame-probability", current.malformedFrameProbability()),
        kind(body, current.malformedKind()),
        duration(body, current.dropConnectionsEvery()));
  }

  private static double probability(JsonNode body, String key, double current) {
    JsonNode value = body.get(key);
    if (value == null) {
      return current;
    }
    if (!value.isNumber()) {
      throw new IllegalArgumentException(key + " must be a number between 0 and 1");
    }
    return value.asDouble();
  }

  private static MalformedKind kind(JsonNode body, MalformedKind current) {
    JsonNode value = body.get("malformed-kind");
    if (value == null) {
      return current;
    }
    try {
      return MalformedKind.valueOf(value.asText().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed-kind must be invalid-json, missing-field or any");
    }
  }

  private static Duration duration(JsonNode body, Duration current) {
    JsonNode value = body.get("drop-connections-every");
    if (value == null) {
      return current;
    }
    return Durations.parse(value.asText())
        .orElseThrow(() -> new IllegalArgumentException("drop-connections-every must be a duration like \"30s\""));
  }

  private HttpReply dropConnections(JsonNode body) {
    Optional<String> exchange = Optional.ofNullable(body.get("exchange")).map(JsonNode::asText);
    if (exchange.isPresent() && !EXCHANGES.contains(exchange.get())) {
      throw new IllegalArgumentException("exchange must be binance, okx or deribit");
    }
    JsonNode fractionNode = body.get("fraction");
    double fraction = fractionNode == null ? 1.0 : fractionNode.asDouble(-1);
    if (fractionNode != null && !fractionNode.isNumber() || fraction < 0 || fraction > 1) {
      throw new IllegalArgumentException("fraction must be a number between 0 and 1");
    }
    return HttpReply.ok("{\"dropped\":" + faults.dropNow(exchange, fraction) + "}");
  }

  private String describe() {
    FaultSettings s = faults.injector().settings();
    FaultInjector injector = faults.injector();
    return "{\"sequence-gap-probability\":" + s.sequenceGapProbability()
        + ",\"bad-checksum-probability\":" + s.badChecksumProbability()
        + ",\"malformed-frame-probability\":" + s.malformedFrameProbability()
        + ",\"malformed-kind\":\"" + s.malformedKind().name().toLowerCase(Locale.ROOT).replace('_', '-')
        + "\",\"drop-connections-every\":\"" + Durations.format(s.dropConnectionsEvery())
        + "\",\"injected\":{\"sequence-gaps\":" + injector.gapsInjected()
        + ",\"bad-checksums\":" + injector.badChecksumsInjected()
        + ",\"malformed-frames\":" + injector.malformedInjected() + "}}";
  }
}
