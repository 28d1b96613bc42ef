package io.marketprism.collector.exchange.deribit;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketprism.collector.exchange.InstrumentSource;
import io.marketprism.marketdata.v1.Instrument;
import io.marketprism.marketdata.v1.InstrumentType;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Deribit's instrument list: {@code GET <rest>/public/get_instruments?currency=any} (every currency, every kind, in
 * one JSON-RPC answer). An instrument is listed when {@code is_active} and {@link DeribitSymbols} reads its
 * {@code instrument_name} (combos are left out); tick size from {@code tick_size}, lot size from
 * {@code min_trade_amount}, contract value from {@code contract_size}: in USD for inverse futures and perpetuals, in
 * the base currency for options and linear contracts. Numbers keep their exact decimal literal.
 */
public final class DeribitInstrumentLists {
  private static final DeribitSymbols SYMBOLS = new DeribitSymbols();

  private DeribitInstrumentLists() {}

  /** The source at {@code restBase}, the JSON-RPC-over-HTTP root ({@code https://www.deribit.com/api/v2}). */
  public static InstrumentSource source(URI restBase) {
    String base = restBase.toString().endsWith("/") ? restBase.toString() : restBase + "/";
    return new InstrumentSource(DeribitFeed.EXCHANGE, URI.create(base + "public/get_instruments?currency=any"),
        DeribitInstrumentLists::read);
  }

  private static List<Instrument> read(JsonNode answer) {
    if (answer.has("error")) {
      throw new IllegalArgumentException("Deribit error " + answer.get("error"));
    }
    List<Instrument> instruments = new ArrayList<>();
    for (JsonNode entry : InstrumentSource.array(answer, "result")) {
      if (!entry.path("is_active").asBoolean(false)) {
        continue;
      }
      Instrument instrument = SYMBOLS.fromNative(entry.path("instrument_name").asText());
      if (instrument == null) {
        continue;
      }
      Instrument.Builder builder = instrument.toBuilder()
          .setTickSize(InstrumentSource.decimal(entry.get("tick_size")))
          .setLotSize(InstrumentSource.decimal(entry.get("min_trade_amount")));
      String contractSize = InstrumentSource.decimal(entry.get("contract_size"));
      if (!contractSize.isEmpty() && instrument.getType() != InstrumentType.INSTRUMENT_TYPE_SPOT) {
        // Inverse futures and perpetuals are sized in USD; options and linear contracts in the base coin.
        boolean usdSized = instrument.getQuote().equals("USD") && instrument.getType() != InstrumentType.INSTRUMENT_TYPE_OPTION;
        builder.setContractValue(contractSize).setContractValueCurrency(usdSized ? "USD" : instrument.getBase());
      }
      instruments.add(builder.build());
    }
    return instruments;
  }
}
