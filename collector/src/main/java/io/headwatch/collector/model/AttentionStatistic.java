package io.headwatch.collector.model;

import java.util.List;

/**
 * The per-(layer, head) statistics a snapshot carries, by attribute name: the eight attention
 * statistics, and the norm of each head's output before the output projection (the value path),
 * which sees faults that leave the attention pattern unchanged.
 */
public enum AttentionStatistic {
  ENTROPY("entropy"),
  MAX_WEIGHT("max_weight"),
  SINK_MASS("sink_mass"),
  LAST_TOKEN_MASS("last_token_mass"),
  SELF_MASS("self_mass"),
  PREVIOUS_MASS("previous_mass"),
  NEXT_MASS("next_mass"),
  MEAN_DISTANCE("mean_distance"),
  /** {@code headwatch.head.output_norm}: mean L2 norm of the head's output over valid queries. */
  OUTPUT_NORM("output_norm", "headwatch.head.output_norm");

  /** All statistics in declaration order. */
  public static final List<AttentionStatistic> ALL = List.of(values());

  private final String shortName;
  private final String attribute;

  AttentionStatistic(String shortName) {
    this(shortName, "headwatch.attention." + shortName);
  }

  AttentionStatistic(String shortName, String attribute) {
    this.shortName = shortName;
    this.attribute = attribute;
  }

  /** The name used in the API, e.g. {@code entropy}. */
  public String shortName() {
    return shortName;
  }

  /** The snapshot attribute, e.g. {@code headwatch.attention.entropy}. */
  public String attribute() {
    return attribute;
  }

  /** The statistic with this short name, or null. */
  public static AttentionStatistic byShortName(String name) {
    for (AttentionStatistic s : ALL) {
      if (s.shortName.equals(name)) {
        return s;
      }
    }
    return null;
  }
}
