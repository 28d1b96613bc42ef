package io.marketprism.storage.schema;

/** How a column is stored in ClickHouse (18.16-compatible types) and how it maps to its protobuf field. */
public enum ColumnKind {
  /** {@code String} ↔ a string field. */
  STRING("String"),
  /** {@code Decimal(38, 18)} ↔ a required decimal-string field. */
  DECIMAL("Decimal(38, 18)"),
  /** {@code Nullable(Decimal(38, 18))} ↔ a decimal-string field where empty means absent. */
  NULLABLE_DECIMAL("Nullable(Decimal(38, 18))"),
  /** {@code Int64} ↔ an int64 field. */
  INT64("Int64"),
  /** {@code Int32} ↔ an int32 field. */
  INT32("Int32"),
  /** {@code Nullable(Int64)} ↔ an {@code optional int64} field. */
  NULLABLE_INT64("Nullable(Int64)"),
  /** {@code Nullable(Int32)} ↔ an {@code optional int32} field. */
  NULLABLE_INT32("Nullable(Int32)"),
  /** {@code Int8} ↔ an enum field's number. */
  ENUM("Int8"),
  /** {@code Array(Decimal(38, 18))} ↔ the prices of a {@code repeated Level} field. */
  LEVEL_PRICES("Array(Decimal(38, 18))"),
  /** {@code Array(Decimal(38, 18))} ↔ the amounts of a {@code repeated Level} field. */
  LEVEL_AMOUNTS("Array(Decimal(38, 18))"),
  /** {@code Int64}: the event time (exchange time, else receive time); derived, not a field. */
  EVENT_TIME("Int64"),
  /** {@code String}: the event's natural key within its instrument (trade id, sequence...); derived. */
  EVENT_KEY("String");

  private final String sqlType;

  ColumnKind(String sqlType) {
    this.sqlType = sqlType;
  }

  public String sqlType() {
    return sqlType;
  }
}
