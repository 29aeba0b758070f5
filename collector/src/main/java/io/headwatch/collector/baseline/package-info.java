/**
 * Per-model baselines: a window of each model's recent attention statistics, robust (median/MAD)
 * z-scores of a new snapshot against it, and the recent-versus-baseline comparison per head. Works
 * on model records only; knows nothing of OTLP, JSON or storage.
 */
package io.headwatch.collector.baseline;
