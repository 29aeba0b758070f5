package io.headwatch.collector.model;

import java.util.List;

/** The per-(layer, head) attention statistics a snapshot carries, by attribute name. */
public enum AttentionStatistic {
  ENTROPY("entropy"),
  MAX_WEIGHT("max_weight"),
  SINK_MASS("sink_mass"),
  LAST_TOKEN_MASS("last_token_mass"),
  SELF_MASS("self_mass"),
  PREVIOUS_MASS("previous_mass"),
  NEXT_MASS("next_mass"),
  MEAN_DISTANCE("mean_distance");

  /** All statistics in declaration order. */
  public static final List<AttentionStatistic> ALL = List.of(values());

  private final String shortName;

  AttentionStatistic(String shortName) {
    this.shortName = shortName;
  }

  /** The name used in the API, e.g. {@code entropy}. */
  public String shortName() {
    return shortName;
  }

  /** The snapshot attribute, e.g. {@code headwatch.attention.entropy}. */
  public String attribute() {
    return "headwatch.attention." + shortName;
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
