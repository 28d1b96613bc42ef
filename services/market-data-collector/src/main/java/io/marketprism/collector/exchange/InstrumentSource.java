package io.marketprism.collector.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketprism.marketdata.v1.Instrument;
import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * One REST request that lists (some of) an exchange's instruments, and how to read its answer into normalized
 * {@link Instrument}s. Each exchange package makes its own ({@code BinanceInstrumentLists}, ...); the collector's
 * instrument directory fetches them.
 *
 * @param exchange lower-case exchange name
 * @param uri the GET request, e.g. {@code https://api.binance.com/api/v3/exchangeInfo}
 * @param reader reads the parsed answer (JSON numbers as exact decimals)
 */
public record InstrumentSource(String exchange, URI uri, Reader reader) {
  public InstrumentSource {
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(reader, "reader");
  }

  /** Reads one answer. */
  @FunctionalInterface
  public interface Reader {
    /**
     * The instruments the answer lists that are open for trading and that the collector's symbol mapping knows;
     * others (combos, halted markets, shapes the mapping does not support) are left out.
     *
     * @throws IllegalArgumentException when the answer is an error or not shaped as documented
     */
    List<Instrument> read(JsonNode answer);
  }

  /** A decimal field given as a JSON string or number, in plain notation without trailing zeros ("" if absent). */
  public static String decimal(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode() || (node.isTextual() && node.asText().isEmpty())) {
      return "";
    }
    try {
      BigDecimal value = node.isNumber() ? node.decimalValue() : new BigDecimal(node.asText());
      return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a decimal: " + node);
    }
  }

  /** {@code node}'s array field {@code name}. */
  public static JsonNode array(JsonNode node, String name) {
    JsonNode array = node.path(name);
    if (!array.isArray()) {
      throw new IllegalArgumentException("the answer has no \"" + name + "\" list");
    }
    return array;
  }
}
