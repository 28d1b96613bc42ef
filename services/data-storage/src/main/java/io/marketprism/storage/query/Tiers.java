package io.marketprism.storage.query;

import io.marketprism.storage.schema.EventTable;

/** SQL that reads one type's hot and cold tables as one. */
final class Tiers {

  private Tiers() {}

  /**
   * {@code SELECT * FROM hot FINAL WHERE … UNION ALL SELECT * FROM cold FINAL WHERE …}; the caller binds the WHERE
   * clause's parameters twice and removes rows present in both tiers with {@code LIMIT 1 BY event_time_ns,
   * event_key}.
   */
  static String union(String database, EventTable table, String where) {
    return "SELECT * FROM " + database + "." + table.hotName() + " FINAL WHERE " + where
        + " UNION ALL SELECT * FROM " + database + "." + table.coldName() + " FINAL WHERE " + where;
  }
}
