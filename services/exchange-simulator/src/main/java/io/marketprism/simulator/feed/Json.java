package io.marketprism.simulator.feed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Optional;

/**
 * The JSON the feed reads (clients' control messages, admin bodies) goes through Jackson; the frames it writes are
 * built by hand in the exchanges' formatters, for speed, with {@link #quote} for any text that is not ours.
 */
public final class Json {

  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** {@code text} as a JSON string literal, quotes and escapes included. */
  public static String quote(String text) {
    return new TextNode(text).toString();
  }

  /** The parsed tree, or empty when {@code text} is not JSON. */
  public static Optional<JsonNode> parse(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      return Optional.ofNullable(node);
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  public static JsonNodeFactory nodes() {
    return JsonNodeFactory.instance;
  }
}
