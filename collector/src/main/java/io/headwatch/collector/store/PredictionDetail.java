package io.headwatch.collector.store;

import java.util.List;

/**
 * One prediction in full: its summary, its snapshots, the attention maps stored for it (without
 * their bodies), and the other predictions of its trace.
 */
public record PredictionDetail(
    PredictionSummary summary,
    List<StoredSnapshot> snapshots,
    List<AttentionMapInfo> attentionMaps,
    List<Long> sameTraceIds) {}
