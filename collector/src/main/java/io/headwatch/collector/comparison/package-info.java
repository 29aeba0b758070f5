/**
 * Which parts of a model set its wrong predictions apart from its right ones: a plain library over
 * arrays (no other collector package, no JSON, no store). {@link
 * io.headwatch.collector.comparison.StratifiedRankTest} compares one statistic's values between the
 * two groups within input-length strata; {@link
 * io.headwatch.collector.comparison.FeedbackComparison} runs it over every (layer, head or site,
 * statistic) and corrects for the number of tests (docs/feedback.md).
 */
package io.headwatch.collector.comparison;
