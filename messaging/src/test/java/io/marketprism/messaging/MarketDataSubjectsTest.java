package io.marketprism.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.marketdata.v1.DataType;
import org.junit.jupiter.api.Test;

class MarketDataSubjectsTest {

  @Test
  void typeTokensAreDataTypeNamesWithoutPrefix() {
    assertThat(MarketDataSubjects.typeToken(DataType.DATA_TYPE_TRADE)).isEqualTo("trade");
    assertThat(MarketDataSubjects.typeToken(DataType.DATA_TYPE_BOOK_SNAPSHOT)).isEqualTo("book_snapshot");
    assertThat(MarketDataSubjects.typeToken(DataType.DATA_TYPE_OPEN_INTEREST)).isEqualTo("open_interest");
  }

  @Test
  void subjectRoundTripsThroughParseForEveryType() {
    for (DataType type : DataType.values()) {
      if (type == DataType.DATA_TYPE_UNSPECIFIED || type == DataType.UNRECOGNIZED) {
        continue;
      }
      String subject = MarketDataSubjects.subject(type, "okx", "BTC-USDT-PERP");
      assertThat(MarketDataSubjects.parse(subject))
          .contains(new MarketDataSubjects.Subject(type, "okx", "BTC-USDT-PERP"));
    }
    assertThat(MarketDataSubjects.subject(DataType.DATA_TYPE_TRADE, "binance", "BTC-USDT"))
        .isEqualTo("md.trade.binance.BTC-USDT");
  }

  @Test
  void rejectsSubjectsThatAreNotMarketData() {
    assertThat(MarketDataSubjects.parse("md.trade.binance")).isEmpty();
    assertThat(MarketDataSubjects.parse("md.candle.binance.BTC-USDT")).isEmpty();
    assertThat(MarketDataSubjects.parse("sys.trade.binance.BTC-USDT")).isEmpty();
    assertThat(MarketDataSubjects.parse("md.unspecified.binance.BTC-USDT")).isEmpty();
  }

  @Test
  void refusesWildcardsAndDotsInTokens() {
    assertThatThrownBy(() -> MarketDataSubjects.subject(DataType.DATA_TYPE_TRADE, "binance", "BTC.USDT"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MarketDataSubjects.subject(DataType.DATA_TYPE_TRADE, "*", "BTC-USDT"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MarketDataSubjects.subject(DataType.DATA_TYPE_UNSPECIFIED, "binance", "BTC-USDT"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
