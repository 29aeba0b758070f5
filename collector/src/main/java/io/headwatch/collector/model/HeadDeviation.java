package io.headwatch.collector.model;

/**
 * How far one head of one prediction lies from its baseline: the statistic with the largest robust
 * z-score for that head, with the value and the baseline it was compared against.
 */
public record HeadDeviation(
    int layer, int head, String statistic, double value, double median, double mad, double z) {}
