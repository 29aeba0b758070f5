package io.headwatch.collector.store;

import java.util.List;

/** A model seen in stored predictions. */
public record ModelSummary(
    String model,
    List<String> services,
    long lastSeenNanos,
    Integer layers,
    Integer heads,
    long predictions) {}
