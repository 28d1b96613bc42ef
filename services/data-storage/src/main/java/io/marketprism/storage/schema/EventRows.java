package io.marketprism.storage.schema;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.marketprism.marketdata.v1.Level;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.Trade;
import io.marketprism.messaging.MarketDataSubjects;
import io.marketprism.messaging.MarketEventCodec;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Converts between market events and table rows, driven by {@link EventTable}'s columns and the protobuf
 * descriptors, so that one piece of code serves all seven types. Stateless and thread-safe.
 */
public final class EventRows {

  /** Decimal(38, 18): at most 20 digits before the point and 18 after. */
  private static final int SCALE = 18;

  private static final int INTEGER_DIGITS = 20;

  private EventRows() {}

  /** An event that cannot be stored (a malformed decimal, a value out of range): a poison message. */
  public static final class UnstorableEventException extends Exception {
    public UnstorableEventException(String message) {
      super(message);
    }
  }

  /** The row of {@code event} for its table, in column order, as {@code PreparedStatement.setObject} takes them. */
  public static Object[] toRow(EventTable table, MarketEvent event) throws UnstorableEventException {
    if (event.hasTrade()) {
      return tradeRow(table, event);
    }
    Message message = MarketEventCodec.payloadMessage(event);
    List<Column> columns = table.columns();
    Object[] row = new Object[columns.size()];
    for (int i = 0; i < row.length; i++) {
      Column column = columns.get(i);
      row[i] = switch (column.kind()) {
        case EVENT_TIME -> MarketEventCodec.eventTimeNs(event);
        case EVENT_KEY -> MarketEventCodec.nativeKey(event);
        case STRING -> (String) message.getField(field(message, column));
        case INT64 -> (Long) message.getField(field(message, column));
        case INT32 -> (Integer) message.getField(field(message, column));
        case NULLABLE_INT64, NULLABLE_INT32 -> {
          FieldDescriptor field = field(message, column);
          yield message.hasField(field) ? message.getField(field) : null;
        }
        case ENUM -> (byte) ((EnumValueDescriptor) message.getField(field(message, column))).getNumber();
        case DECIMAL -> decimal(column, (String) message.getField(field(message, column)), false);
        case NULLABLE_DECIMAL -> decimal(column, (String) message.getField(field(message, column)), true);
        case LEVEL_PRICES, LEVEL_AMOUNTS -> levels(message, column);
      };
    }
    if (((String) row[0]).isEmpty() || ((String) row[1]).isEmpty()) {
      throw new UnstorableEventException("event has no exchange or symbol");
    }
    return row;
  }

  /**
   * The trades row without protobuf reflection: trades are most of the volume. Must match {@link EventTables}' trade
   * columns, which {@code SchemaTest} checks by round-tripping through both paths' table.
   */
  private static Object[] tradeRow(EventTable table, MarketEvent event) throws UnstorableEventException {
    Trade trade = event.getTrade();
    if (trade.getExchange().isEmpty() || trade.getSymbol().isEmpty()) {
      throw new UnstorableEventException("event has no exchange or symbol");
    }
    List<Column> columns = table.columns();
    return new Object[] {
      trade.getExchange(),
      trade.getSymbol(),
      MarketEventCodec.eventTimeNs(event),
      trade.getTradeId(),
      trade.getNativeSymbol(),
      trade.getExchangeTimeNs(),
      trade.getReceiveTimeNs(),
      trade.getTradeId(),
      (byte) trade.getSideValue(),
      decimal(columns.get(9), trade.getPrice(), false),
      decimal(columns.get(10), trade.getAmount(), false)
    };
  }

  /**
   * The SQL select list reading a table's columns back: decimals as text (so no binary type sits in between),
   * arrays of decimals as arrays of text.
   */
  public static String selectList(EventTable table) {
    return table.columns().stream()
        .map(column -> switch (column.kind()) {
          case DECIMAL, NULLABLE_DECIMAL -> "toString(" + column.name() + ")";
          case LEVEL_PRICES, LEVEL_AMOUNTS -> "arrayMap(x -> toString(x), " + column.name() + ")";
          default -> column.name();
        })
        .collect(Collectors.joining(", "));
  }

  /** The event in the current row of a result read with {@link #selectList}. Decimals come back without trailing zeros. */
  public static MarketEvent fromRow(EventTable table, ResultSet row) throws SQLException {
    Message.Builder builder = eventBuilder(table);
    List<Column> columns = table.columns();
    for (int i = 0; i < columns.size(); i++) {
      Column column = columns.get(i);
      if (column.field().isEmpty() || column.kind() == ColumnKind.LEVEL_AMOUNTS) {
        continue;
      }
      FieldDescriptor field = builder.getDescriptorForType().findFieldByName(column.field());
      int position = i + 1;
      switch (column.kind()) {
        case STRING -> builder.setField(field, row.getString(position));
        case INT64 -> builder.setField(field, row.getLong(position));
        case INT32 -> builder.setField(field, row.getInt(position));
        case NULLABLE_INT64 -> {
          long value = row.getLong(position);
          if (!row.wasNull()) {
            builder.setField(field, value);
          }
        }
        case NULLABLE_INT32 -> {
          int value = row.getInt(position);
          if (!row.wasNull()) {
            builder.setField(field, value);
          }
        }
        case ENUM -> builder.setField(field, field.getEnumType().findValueByNumber(row.getInt(position)));
        case DECIMAL, NULLABLE_DECIMAL -> {
          String text = row.getString(position);
          if (text != null) {
            builder.setField(field, plain(text));
          }
        }
        case LEVEL_PRICES -> {
          // the amounts column follows its prices column
          String[] prices = strings(row.getArray(position));
          String[] amounts = strings(row.getArray(position + 1));
          for (int level = 0; level < prices.length; level++) {
            builder.addRepeatedField(
                field, Level.newBuilder().setPrice(plain(prices[level])).setAmount(plain(amounts[level])).build());
          }
        }
        default -> throw new IllegalStateException("unmapped column " + column);
      }
    }
    MarketEvent.Builder event = MarketEvent.newBuilder();
    event.setField(
        MarketEvent.getDescriptor().findFieldByName(MarketDataSubjects.typeToken(table.type())), builder.build());
    return event.build();
  }

  /** {@code "42219.900000000000000000"} → {@code "42219.9"}. */
  public static String plain(String decimal) {
    BigDecimal value = new BigDecimal(decimal).stripTrailingZeros();
    return value.signum() == 0 ? "0" : value.toPlainString();
  }

  private static Message.Builder eventBuilder(EventTable table) {
    FieldDescriptor oneofField =
        MarketEvent.getDescriptor().findFieldByName(MarketDataSubjects.typeToken(table.type()));
    return MarketEvent.newBuilder().newBuilderForField(oneofField);
  }

  private static String[] strings(Array array) throws SQLException {
    Object values = array.getArray();
    if (values instanceof String[] strings) {
      return strings;
    }
    Object[] objects = (Object[]) values;
    String[] strings = new String[objects.length];
    for (int i = 0; i < objects.length; i++) {
      strings[i] = String.valueOf(objects[i]);
    }
    return strings;
  }

  private static FieldDescriptor field(Message message, Column column) {
    FieldDescriptor field = message.getDescriptorForType().findFieldByName(column.field());
    if (field == null) {
      throw new IllegalStateException(message.getDescriptorForType().getName() + " has no field " + column.field());
    }
    return field;
  }

  private static BigDecimal decimal(Column column, String text, boolean nullable) throws UnstorableEventException {
    if (text.isEmpty()) {
      if (nullable) {
        return null;
      }
      throw new UnstorableEventException(column.name() + " is empty");
    }
    BigDecimal value;
    try {
      value = new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new UnstorableEventException(column.name() + " is not a decimal: \"" + text + "\"");
    }
    if (value.scale() > SCALE && value.stripTrailingZeros().scale() > SCALE) {
      throw new UnstorableEventException(column.name() + " has more than " + SCALE + " decimal places: " + text);
    }
    if (value.precision() - value.scale() > INTEGER_DIGITS) {
      throw new UnstorableEventException(column.name() + " has more than " + INTEGER_DIGITS + " integer digits: " + text);
    }
    return value;
  }

  private static BigDecimal[] levels(Message message, Column column) throws UnstorableEventException {
    FieldDescriptor field = field(message, column);
    int count = message.getRepeatedFieldCount(field);
    BigDecimal[] values = new BigDecimal[count];
    for (int i = 0; i < count; i++) {
      Level level = (Level) message.getRepeatedField(field, i);
      String text = column.kind() == ColumnKind.LEVEL_PRICES ? level.getPrice() : level.getAmount();
      values[i] = decimal(column, text, false);
    }
    return values;
  }
}
