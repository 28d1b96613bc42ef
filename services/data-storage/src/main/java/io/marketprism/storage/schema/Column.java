package io.marketprism.storage.schema;

/**
 * One column of an event table.
 *
 * @param name the column's name
 * @param kind its type and mapping
 * @param field the protobuf field it maps to ({@code bids} for both {@code bid_prices} and {@code bid_amounts});
 *     empty for derived columns
 */
public record Column(String name, ColumnKind kind, String field) {

  static Column of(String name, ColumnKind kind) {
    return new Column(name, kind, name);
  }

  static Column derived(String name, ColumnKind kind) {
    return new Column(name, kind, "");
  }

  static Column levels(String name, ColumnKind kind, String field) {
    return new Column(name, kind, field);
  }
}
