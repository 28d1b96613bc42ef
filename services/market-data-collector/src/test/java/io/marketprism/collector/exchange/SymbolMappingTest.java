package io.marketprism.collector.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.collector.exchange.binance.BinanceMarket;
import io.marketprism.collector.exchange.binance.BinanceSymbols;
import io.marketprism.collector.exchange.deribit.DeribitSymbols;
import io.marketprism.collector.exchange.okx.OkxSymbols;
import io.marketprism.marketdata.v1.Instrument;
import io.marketprism.marketdata.v1.InstrumentType;
import io.marketprism.marketdata.v1.OptionType;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SymbolMappingTest {
  private final BinanceSymbols binance = new BinanceSymbols();
  private final OkxSymbols okx = new OkxSymbols();
  private final DeribitSymbols deribit = new DeribitSymbols();

  @ParameterizedTest
  @CsvSource({
      "binance, BTCUSDT, BTC-USDT",
      "binance, ETHFDUSD, ETH-FDUSD",
      "binance, 1000PEPEUSDT, 1000PEPE-USDT",
      "binance, BTCUSD_PERP, BTC-USD-PERP",
      "binance, BTCUSDT_261225, BTC-USDT-20261225",
      "binance, BTCUSD_261225, BTC-USD-20261225",
      "okx, BTC-USDT, BTC-USDT",
      "okx, BTC-USDT-SWAP, BTC-USDT-PERP",
      "okx, BTC-USD-SWAP, BTC-USD-PERP",
      "okx, BTC-USD-261225, BTC-USD-20261225",
      "okx, BTC-USD-261225-100000-C, BTC-USD-20261225-100000-C",
      "deribit, BTC-PERPETUAL, BTC-USD-PERP",
      "deribit, BTC_USDC-PERPETUAL, BTC-USDC-PERP",
      "deribit, BTC-25DEC26, BTC-USD-20261225",
      "deribit, ETH-5JAN27, ETH-USD-20270105",
      "deribit, BTC-25DEC26-100000-C, BTC-USD-20261225-100000-C",
      "deribit, XRP_USDC-25DEC26-0d625-P, XRP-USDC-20261225-0d625-P",
      "deribit, BTC_USDC, BTC-USDC",
  })
  void mapsNativeNamesToNormalizedSymbolsAndBack(String exchange, String nativeSymbol, String symbol) {
    SymbolMapper mapper = mapper(exchange);
    Instrument instrument = mapper.fromNative(nativeSymbol);

    assertThat(instrument).isNotNull();
    assertThat(instrument.getSymbol()).isEqualTo(symbol);
    assertThat(instrument.getNativeSymbol()).isEqualTo(nativeSymbol);
    assertThat(instrument.getExchange()).isEqualTo(exchange);
    assertThat(mapper.toNative(symbol)).isEqualTo(nativeSymbol);
  }

  @Test
  void binanceUsdMarginedFuturesNameIsAPerpetualSettledInTheQuote() {
    Instrument perp = binance.fromNative("BTCUSDT", BinanceMarket.FUTURES);

    assertThat(perp.getSymbol()).isEqualTo("BTC-USDT-PERP");
    assertThat(perp.getSettle()).isEqualTo("USDT");
    assertThat(binance.toNative("BTC-USDT-PERP")).isEqualTo("BTCUSDT");
  }

  @Test
  void optionCarriesItsPartsAndExpiryAtEightUtc() {
    Instrument option = deribit.fromNative("XRP_USDC-25DEC26-0d625-P");

    assertThat(option.getType()).isEqualTo(InstrumentType.INSTRUMENT_TYPE_OPTION);
    assertThat(option.getStrike()).isEqualTo("0.625");
    assertThat(option.getOptionType()).isEqualTo(OptionType.OPTION_TYPE_PUT);
    assertThat(option.getSettle()).isEqualTo("USDC");
    assertThat(option.getExpiryTimeNs())
        .isEqualTo(Instant.parse("2026-12-25T08:00:00Z").getEpochSecond() * 1_000_000_000L);
  }

  @Test
  void inverseContractsSettleInTheBaseCoin() {
    assertThat(deribit.fromNative("BTC-PERPETUAL").getSettle()).isEqualTo("BTC");
    assertThat(okx.fromNative("BTC-USD-SWAP").getSettle()).isEqualTo("BTC");
    assertThat(binance.fromNative("BTCUSD_PERP").getSettle()).isEqualTo("BTC");
  }

  @ParameterizedTest
  @CsvSource({
      "binance, XYZ", "binance, btcusdt", "binance, BTCUSDT_SOON",
      "okx, BTC", "okx, BTC-USDT-FOO-BAR", "okx, BTC-USD-991399",
      "deribit, BTC", "deribit, BTC-FS-27DEC26_PERP", "deribit, BTC-31FEB26",
  })
  void unsupportedNamesMapToNothing(String exchange, String nativeSymbol) {
    assertThat(mapper(exchange).fromNative(nativeSymbol)).isNull();
  }

  private SymbolMapper mapper(String exchange) {
    switch (exchange) {
      case "binance":
        return binance;
      case "okx":
        return okx;
      default:
        return deribit;
    }
  }
}
