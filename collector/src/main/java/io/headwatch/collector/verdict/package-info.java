/**
 * Per-prediction verdicts: is this prediction unusual for its model, and why.
 *
 * <p>Data flow: a prediction's statistics ({@link
 * io.headwatch.collector.verdict.PredictionStatistics}) are flattened into one row of features
 * ({@link io.headwatch.collector.verdict.FeatureLayout}), compared with the model's recent clean
 * predictions of similar length ({@link io.headwatch.collector.verdict.ReferenceStatistics}),
 * turned into a score whose meaning is a tail probability over the model's own recent scores
 * ({@link io.headwatch.collector.verdict.TailCalibration}), and explained by suspects and input
 * facts ({@link io.headwatch.collector.verdict.Verdict}). {@link
 * io.headwatch.collector.verdict.VerdictEngine} holds one {@link
 * io.headwatch.collector.verdict.ModelBaseline} per model within a byte budget.
 *
 * <p>The package is a plain library over arrays and records: it depends on nothing else in the
 * collector, and nothing in it does I/O. docs/verdicts.md explains the method.
 */
package io.headwatch.collector.verdict;
