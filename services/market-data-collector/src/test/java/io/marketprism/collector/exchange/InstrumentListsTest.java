package io.marketprism.collector.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketprism.collector.exchange.binance.BinanceInstrumentLists;
import io.marketprism.collector.exchange.deribit.DeribitInstrumentLists;
import io.marketprism.collector.exchange.okx.OkxInstrumentLists;
import io.marketprism.marketdata.v1.Instrument;
import io.marketprism.marketdata.v1.InstrumentType;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The instrument-list readers on answers shaped as the exchanges document them, with what the simulator never lists:
 * dated futures, options, combos, halted markets and error answers.
 */
class InstrumentListsTest {
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final URI REST = URI.create("https://example.test");

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  @Test
  void binanceFuturesListPerpetualsAndQuarterliesAndSkipsHaltedOnes() throws Exception {
    List<Instrument> instruments = BinanceInstrumentLists.futures(REST).reader().read(json("""
        {'symbols':[
          {'symbol':'BTCUSDT','contractType':'PERPETUAL','status':'TRADING','baseAsset':'BTC','quoteAsset':'USDT',
           'filters':[{'filterType':'PRICE_FILTER','tickSize':'0.10'},{'filterType':'LOT_SIZE','stepSize':'0.001'}]},
          {'symbol':'BTCUSDT_261225','contractType':'CURRENT_QUARTER','status':'TRADING','baseAsset':'BTC',
           'quoteAsset':'USDT','filters':[{'filterType':'PRICE_FILTER','tickSize':'0.1'}]},
          {'symbol':'ETHUSDT','contractType':'PERPETUAL','status':'SETTLING','baseAsset':'ETH','quoteAsset':'USDT'},
          {'symbol':'XYZABC','contractType':'PERPETUAL','status':'TRADING','baseAsset':'XYZ','quoteAsset':'ABC'}]}
        """));

    assertThat(instruments).extracting(Instrument::getSymbol).containsExactly("BTC-USDT-PERP", "BTC-USDT-20261225");
    assertThat(instruments.get(0).getTickSize()).isEqualTo("0.1");
    assertThat(instruments.get(0).getLotSize()).isEqualTo("0.001");
    assertThat(instruments.get(1).getType()).isEqualTo(InstrumentType.INSTRUMENT_TYPE_FUTURE);
    assertThat(instruments.get(1).getLotSize()).isEmpty();
    assertThatThrownBy(() -> BinanceInstrumentLists.spot(REST).reader().read(json("{'code':-1003,'msg':'Too many'}")))
        .hasMessageContaining("-1003");
  }

  @Test
  void okxListsLiveInstrumentsWithContractValuesAndRefusesErrorAnswers() throws Exception {
    List<Instrument> instruments = OkxInstrumentLists.sources(REST).get(2).reader().read(json("""
        {'code':'0','msg':'','data':[
          {'instId':'BTC-USD-261225','state':'live','tickSz':'0.1','lotSz':'1','ctVal':'100','ctValCcy':'USD'},
          {'instId':'ETH-USD-261225','state':'suspend','tickSz':'0.01','lotSz':'1','ctVal':'10','ctValCcy':'USD'}]}
        """));

    assertThat(instruments).singleElement().satisfies(future -> {
      assertThat(future.getSymbol()).isEqualTo("BTC-USD-20261225");
      assertThat(future.getSettle()).isEqualTo("BTC");
      assertThat(future.getContractValue()).isEqualTo("100");
      assertThat(future.getContractValueCurrency()).isEqualTo("USD");
    });
    assertThatThrownBy(() -> OkxInstrumentLists.sources(REST).get(0).reader().read(
        json("{'code':'50011','msg':'Too Many Requests','data':[]}"))).hasMessageContaining("50011");
  }

  @Test
  void deribitListsOptionsSizedInTheBaseCoinAndSkipsCombos() throws Exception {
    List<Instrument> instruments = DeribitInstrumentLists.source(URI.create("https://example.test/api/v2")).reader()
        .read(json("""
            {'jsonrpc':'2.0','result':[
              {'instrument_name':'BTC-25DEC26-100000-C','is_active':true,'tick_size':0.0005,'min_trade_amount':0.1,
               'contract_size':1.0},
              {'instrument_name':'BTC-FS-25DEC26_PERP','is_active':true,'tick_size':0.5,'min_trade_amount':10},
              {'instrument_name':'XRP_USDC-PERPETUAL','is_active':true,'tick_size':1E-4,'min_trade_amount':1,
               'contract_size':1}]}
            """));

    assertThat(instruments).extracting(Instrument::getSymbol)
        .containsExactly("BTC-USD-20261225-100000-C", "XRP-USDC-PERP");
    assertThat(instruments.get(0).getTickSize()).isEqualTo("0.0005");
    assertThat(instruments.get(0).getContractValue()).isEqualTo("1");
    assertThat(instruments.get(0).getContractValueCurrency()).isEqualTo("BTC");
    assertThat(instruments.get(1).getTickSize()).isEqualTo("0.0001");
    assertThat(instruments.get(1).getContractValueCurrency()).isEqualTo("XRP");
    assertThat(DeribitInstrumentLists.source(URI.create("https://example.test/api/v2")).uri().toString())
        .isEqualTo("https://example.test/api/v2/public/get_instruments?currency=any");
  }
}
