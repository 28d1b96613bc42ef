package io.marketprism.storage.schema;

import static io.marketprism.storage.schema.ColumnKind.DECIMAL;
import static io.marketprism.storage.schema.ColumnKind.ENUM;
import static io.marketprism.storage.schema.ColumnKind.EVENT_KEY;
import static io.marketprism.storage.schema.ColumnKind.EVENT_TIME;
import static io.marketprism.storage.schema.ColumnKind.INT32;
import static io.marketprism.storage.schema.ColumnKind.INT64;
import static io.marketprism.storage.schema.ColumnKind.LEVEL_AMOUNTS;
import static io.marketprism.storage.schema.ColumnKind.LEVEL_PRICES;
import static io.marketprism.storage.schema.ColumnKind.NULLABLE_DECIMAL;
import static io.marketprism.storage.schema.ColumnKind.NULLABLE_INT32;
import static io.marketprism.storage.schema.ColumnKind.NULLABLE_INT64;
import static io.marketprism.storage.schema.ColumnKind.STRING;

import io.marketprism.marketdata.v1.BookDelta;
import io.marketprism.marketdata.v1.BookSnapshot;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.FundingRate;
import io.marketprism.marketdata.v1.Liquidation;
import io.marketprism.marketdata.v1.OpenInterest;
import io.marketprism.marketdata.v1.Ticker;
import io.marketprism.marketdata.v1.Trade;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The tables of the seven normalized types. Their columns are fixed here (and created by {@link Migrations}); a new
 * proto field becomes a column through a new migration, never by changing these lists in place.
 *
 * <p>Decimals are {@code Decimal(38, 18)}: 20 integer and 18 fractional digits, more than any exchange quotes
 * (Binance and OKX use at most 8–10 fractional digits; Deribit's smallest ticks are 1e-8 of a coin) and exact, so
 * prices round-trip without binary floating point.
 */
public final class EventTables {

  private static final Map<DataType, EventTable> TABLES = new EnumMap<>(DataType.class);

  static {
    add(table(DataType.DATA_TYPE_TRADE, "trades", Trade.getDescriptor(),
        Column.of("trade_id", STRING), Column.of("side", ENUM), Column.of("price", DECIMAL),
        Column.of("amount", DECIMAL)));
    add(table(DataType.DATA_TYPE_BOOK_SNAPSHOT, "book_snapshots", BookSnapshot.getDescriptor(),
        Column.levels("bid_prices", LEVEL_PRICES, "bids"), Column.levels("bid_amounts", LEVEL_AMOUNTS, "bids"),
        Column.levels("ask_prices", LEVEL_PRICES, "asks"), Column.levels("ask_amounts", LEVEL_AMOUNTS, "asks"),
        Column.of("last_sequence", NULLABLE_INT64), Column.of("checksum", NULLABLE_INT32),
        Column.of("depth", INT32)));
    add(table(DataType.DATA_TYPE_BOOK_DELTA, "book_deltas", BookDelta.getDescriptor(),
        Column.levels("bid_prices", LEVEL_PRICES, "bids"), Column.levels("bid_amounts", LEVEL_AMOUNTS, "bids"),
        Column.levels("ask_prices", LEVEL_PRICES, "asks"), Column.levels("ask_amounts", LEVEL_AMOUNTS, "asks"),
        Column.of("first_sequence", NULLABLE_INT64), Column.of("last_sequence", NULLABLE_INT64),
        Column.of("prev_sequence", NULLABLE_INT64), Column.of("checksum", NULLABLE_INT32)));
    add(table(DataType.DATA_TYPE_TICKER, "tickers", Ticker.getDescriptor(),
        Column.of("bid_price", NULLABLE_DECIMAL), Column.of("bid_amount", NULLABLE_DECIMAL),
        Column.of("ask_price", NULLABLE_DECIMAL), Column.of("ask_amount", NULLABLE_DECIMAL),
        Column.of("last_price", NULLABLE_DECIMAL), Column.of("last_sequence", NULLABLE_INT64)));
    add(table(DataType.DATA_TYPE_FUNDING_RATE, "funding_rates", FundingRate.getDescriptor(),
        Column.of("rate", NULLABLE_DECIMAL), Column.of("next_rate", NULLABLE_DECIMAL),
        Column.of("mark_price", NULLABLE_DECIMAL), Column.of("index_price", NULLABLE_DECIMAL),
        Column.of("funding_time_ns", INT64), Column.of("next_funding_time_ns", INT64)));
    add(table(DataType.DATA_TYPE_LIQUIDATION, "liquidations", Liquidation.getDescriptor(),
        Column.of("side", ENUM), Column.of("price", NULLABLE_DECIMAL), Column.of("amount", NULLABLE_DECIMAL),
        Column.of("average_price", NULLABLE_DECIMAL), Column.of("order_id", STRING)));
    add(table(DataType.DATA_TYPE_OPEN_INTEREST, "open_interest", OpenInterest.getDescriptor(),
        Column.of("amount", NULLABLE_DECIMAL), Column.of("value", NULLABLE_DECIMAL)));
  }

  private EventTables() {}

  /** The table of a type. */
  public static EventTable of(DataType type) {
    EventTable table = TABLES.get(type);
    if (table == null) {
      throw new IllegalArgumentException("no table for " + type);
    }
    return table;
  }

  /** Every table, in data-type order. */
  public static List<EventTable> all() {
    return List.copyOf(TABLES.values());
  }

  private static void add(EventTable table) {
    TABLES.put(table.type(), table);
  }

  /** Columns every table has first, then the type's own. */
  private static EventTable table(
      DataType type, String name, com.google.protobuf.Descriptors.Descriptor message, Column... own) {
    List<Column> columns = new ArrayList<>();
    columns.add(Column.of("exchange", STRING));
    columns.add(Column.of("symbol", STRING));
    columns.add(Column.derived("event_time_ns", EVENT_TIME));
    columns.add(Column.derived("event_key", EVENT_KEY));
    columns.add(Column.of("native_symbol", STRING));
    columns.add(Column.of("exchange_time_ns", INT64));
    columns.add(Column.of("receive_time_ns", INT64));
    columns.addAll(Arrays.asList(own));
    return new EventTable(type, name, message, List.copyOf(columns));
  }
}
