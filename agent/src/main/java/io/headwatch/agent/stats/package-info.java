/**
 * Engine-independent statistics over float arrays with masks, as defined in docs/statistics.md:
 * attention ({@link io.headwatch.agent.stats.AttentionStatistics}), per-head output norms ({@link
 * io.headwatch.agent.stats.HeadOutputStatistics}), activations ({@link
 * io.headwatch.agent.stats.ActivationStatistics}), model outputs ({@link
 * io.headwatch.agent.stats.OutputStatistics}), and one sequence's results ({@link
 * io.headwatch.agent.stats.SequenceStatistics}). Pure functions; no dependency on the rest of the
 * agent.
 */
package io.headwatch.agent.stats;
