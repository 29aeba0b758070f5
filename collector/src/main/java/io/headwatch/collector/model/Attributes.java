package io.headwatch.collector.model;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Scalar attributes kept as they came (string, boolean, long or double values), sorted by key. New
 * agent attributes reach the API this way without a collector change.
 */
public final class Attributes {
  private static final Attributes EMPTY = new Attributes(new TreeMap<>());

  private final SortedMap<String, Object> values;

  private Attributes(SortedMap<String, Object> values) {
    this.values = Collections.unmodifiableSortedMap(values);
  }

  public static Attributes empty() {
    return EMPTY;
  }

  /** A copy of {@code values}; each value must be a String, Boolean, Long or Double. */
  public static Attributes of(Map<String, ?> values) {
    SortedMap<String, Object> copy = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (!(v instanceof String
              || v instanceof Boolean
              || v instanceof Long
              || v instanceof Double)) {
            throw new IllegalArgumentException(
                "attribute " + k + " has a value of type " + (v == null ? "null" : v.getClass()));
          }
          copy.put(k, v);
        });
    return copy.isEmpty() ? EMPTY : new Attributes(copy);
  }

  /** Key → value, sorted by key; values are String, Boolean, Long or Double. */
  public SortedMap<String, Object> values() {
    return values;
  }

  public Object get(String key) {
    return values.get(key);
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Attributes a && a.values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
