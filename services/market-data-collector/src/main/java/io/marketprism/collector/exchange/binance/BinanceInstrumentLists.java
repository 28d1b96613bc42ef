package io.marketprism.collector.exchange.binance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.marketprism.collector.exchange.InstrumentSource;
import io.marketprism.marketdata.v1.Instrument;
import io.marketprism.marketdata.v1.InstrumentType;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Binance's instrument lists: {@code GET /api/v3/exchangeInfo} (spot) and {@code GET /fapi/v1/exchangeInfo}
 * (USDⓈ-M futures). A symbol is listed when its {@code status} is {@code TRADING} and {@link BinanceSymbols} reads
 * it as the base and quote assets Binance gives; tick size from {@code PRICE_FILTER}, lot size from
 * {@code LOT_SIZE}. Futures of other contract types than perpetual and dated quarterlies are left out.
 */
public final class BinanceInstrumentLists {
  private static final BinanceSymbols SYMBOLS = new BinanceSymbols();

  private BinanceInstrumentLists() {}

  /** The spot list at {@code restBase} ({@code https://api.binance.com}). */
  public static InstrumentSource spot(URI restBase) {
    return new InstrumentSource(BinanceFeed.EXCHANGE, restBase.resolve("/api/v3/exchangeInfo"),
        answer -> read(answer, BinanceMarket.SPOT));
  }

  /** The USDⓈ-M futures list at {@code restBase} ({@code https://fapi.binance.com}). */
  public static InstrumentSource futures(URI restBase) {
    return new InstrumentSource(BinanceFeed.EXCHANGE, restBase.resolve("/fapi/v1/exchangeInfo"),
        answer -> read(answer, BinanceMarket.FUTURES));
  }

  private static List<Instrument> read(JsonNode answer, BinanceMarket market) {
    if (answer.has("code") && answer.has("msg")) {
      throw new IllegalArgumentException("Binance error " + answer.get("code") + ": " + answer.get("msg").asText());
    }
    List<Instrument> instruments = new ArrayList<>();
    for (JsonNode symbol : InstrumentSource.array(answer, "symbols")) {
      if (!symbol.path("status").asText().equals("TRADING")) {
        continue;
      }
      Instrument instrument = SYMBOLS.fromNative(symbol.path("symbol").asText(), market);
      if (instrument == null
          || !instrument.getBase().equals(symbol.path("baseAsset").asText())
          || !instrument.getQuote().equals(symbol.path("quoteAsset").asText())
          || !contractTypeMatches(symbol.path("contractType").asText(), instrument.getType(), market)) {
        continue;
      }
      instruments.add(instrument.toBuilder()
          .setTickSize(InstrumentSource.decimal(filter(symbol, "PRICE_FILTER").path("tickSize")))
          .setLotSize(InstrumentSource.decimal(filter(symbol, "LOT_SIZE").path("stepSize")))
          .build());
    }
    return instruments;
  }

  private static boolean contractTypeMatches(String contractType, InstrumentType type, BinanceMarket market) {
    if (market == BinanceMarket.SPOT) {
      return true;
    }
    return switch (contractType) {
      case "PERPETUAL" -> type == InstrumentType.INSTRUMENT_TYPE_PERPETUAL;
      case "CURRENT_QUARTER", "NEXT_QUARTER" -> type == InstrumentType.INSTRUMENT_TYPE_FUTURE;
      default -> false;
    };
  }

  /** The symbol's filter of {@code type}; a missing node (whose fields read as absent) if it has none. */
  private static JsonNode filter(JsonNode symbol, String type) {
    for (JsonNode filter : symbol.path("filters")) {
      if (filter.path("filterType").asText().equals(type)) {
        return filter;
      }
    }
    return MissingNode.getInstance();
  }
}
