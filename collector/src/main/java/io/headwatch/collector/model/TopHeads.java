package io.headwatch.collector.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A prediction's most deviant heads: one entry per (layer, head), the largest z first, at most
 * {@link #LIMIT}. A prediction with several snapshots (a batch) keeps the top over all of them.
 */
public final class TopHeads {
  /** How many of a prediction's most deviant heads are kept. */
  public static final int LIMIT = 10;

  private TopHeads() {}

  /** The top heads over both lists; on equal z the entry of {@code current} wins. */
  public static List<HeadDeviation> merge(List<HeadDeviation> current, List<HeadDeviation> added) {
    List<HeadDeviation> all = new ArrayList<>(current);
    all.addAll(added);
    all.sort(Comparator.comparingDouble(HeadDeviation::z).reversed());
    Map<Long, HeadDeviation> byHead = new LinkedHashMap<>();
    for (HeadDeviation d : all) {
      byHead.putIfAbsent(((long) d.layer() << 32) | (d.head() & 0xffffffffL), d);
    }
    return List.copyOf(byHead.values().stream().limit(LIMIT).toList());
  }
}
