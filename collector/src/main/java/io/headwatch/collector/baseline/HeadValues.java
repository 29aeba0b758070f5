package io.headwatch.collector.baseline;

/**
 * One (layer, head, statistic) of a model's window as values: those of the newest {@code recent}
 * snapshots ("now") and those of the older ones (the baseline), missing values left out. The page
 * of a model draws them as two distributions.
 */
public record HeadValues(String statistic, float[] recent, float[] baseline) {}
