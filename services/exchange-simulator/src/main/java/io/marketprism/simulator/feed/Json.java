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
  private static final JsonNodeFactory EXACT = JsonNodeFactory.withExactBigDecimals(true);
  private static final ObjectMapper PLAIN =
      new ObjectMapper().enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

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

  /**
   * A node factory that keeps decimals exactly as given ({@code instance} strips trailing zeros, which turns "10"
   * into 1E+1), for documents written with {@link #writePlain}.
   */
  public static JsonNodeFactory exactNodes() {
    return EXACT;
  }

  /** {@code node} as JSON text, decimals in plain notation ("0.00001", never "1E-5"). */
  public static String writePlain(JsonNode node) {
    try {
      return PLAIN.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }
}
