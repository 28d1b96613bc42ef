package io.marketprism.monitoring.series;

import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable label set, sorted by name, with its hash computed once: label sets are map keys on the evaluation
 * path (one lookup per series per rule), where recomputing a map's hash each time would dominate.
 */
public final class Labels {

  public static final Labels EMPTY = new Labels(new String[0], new String[0]);

  private final String[] names;
  private final String[] values;
  private final int hash;

  private Labels(String[] names, String[] values) {
    this.names = names;
    this.values = values;
    this.hash = 31 * Arrays.hashCode(names) + Arrays.hashCode(values);
  }

  public static Labels of(Map<String, String> labels) {
    SortedMap<String, String> sorted = new TreeMap<>(labels);
    return new Labels(sorted.keySet().toArray(new String[0]), sorted.values().toArray(new String[0]));
  }

  public static Labels of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values come in pairs");
    }
    SortedMap<String, String> sorted = new TreeMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      sorted.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return of(sorted);
  }

  /** The value of {@code name}, or "" when the set has no such label (Prometheus' rule for matchers). */
  public String get(String name) {
    int i = Arrays.binarySearch(names, name);
    return i >= 0 ? values[i] : "";
  }

  public int size() {
    return names.length;
  }

  /** A copy as a sorted map. */
  public SortedMap<String, String> asMap() {
    SortedMap<String, String> map = new TreeMap<>();
    for (int i = 0; i < names.length; i++) {
      map.put(names[i], values[i]);
    }
    return map;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Labels other && hash == other.hash && Arrays.equals(names, other.names)
        && Arrays.equals(values, other.values);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return asMap().toString();
  }
}
