package io.marketprism.collector.exchange.okx;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketprism.collector.exchange.InstrumentSource;
import io.marketprism.marketdata.v1.Instrument;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * OKX's instrument lists: {@code GET /api/v5/public/instruments?instType=SPOT}, {@code SWAP} and {@code FUTURES}
 * (options need a request per underlying and are not listed). An instrument is listed when its {@code state} is
 * {@code live} and {@link OkxSymbols} reads its {@code instId}; tick and lot sizes from {@code tickSz}/{@code lotSz},
 * contract value from {@code ctVal}/{@code ctValCcy}. An answer whose {@code code} is not "0" is an error.
 */
public final class OkxInstrumentLists {
  private static final List<String> TYPES = List.of("SPOT", "SWAP", "FUTURES");
  private static final OkxSymbols SYMBOLS = new OkxSymbols();

  private OkxInstrumentLists() {}

  /** One source per instrument type, at {@code restBase} ({@code https://www.okx.com}). */
  public static List<InstrumentSource> sources(URI restBase) {
    List<InstrumentSource> sources = new ArrayList<>();
    for (String type : TYPES) {
      sources.add(new InstrumentSource(OkxFeed.EXCHANGE,
          restBase.resolve("/api/v5/public/instruments?instType=" + type), OkxInstrumentLists::read));
    }
    return sources;
  }

  private static List<Instrument> read(JsonNode answer) {
    if (!answer.path("code").asText().equals("0")) {
      throw new IllegalArgumentException("OKX error " + answer.path("code").asText() + ": " + answer.path("msg").asText());
    }
    List<Instrument> instruments = new ArrayList<>();
    for (JsonNode entry : InstrumentSource.array(answer, "data")) {
      if (!entry.path("state").asText().equals("live")) {
        continue;
      }
      Instrument instrument = SYMBOLS.fromNative(entry.path("instId").asText());
      if (instrument == null) {
        continue;
      }
      Instrument.Builder builder = instrument.toBuilder()
          .setTickSize(InstrumentSource.decimal(entry.get("tickSz")))
          .setLotSize(InstrumentSource.decimal(entry.get("lotSz")));
      String contractValue = InstrumentSource.decimal(entry.get("ctVal"));
      if (!contractValue.isEmpty()) {
        builder.setContractValue(contractValue).setContractValueCurrency(entry.path("ctValCcy").asText());
      }
      instruments.add(builder.build());
    }
    return instruments;
  }
}
