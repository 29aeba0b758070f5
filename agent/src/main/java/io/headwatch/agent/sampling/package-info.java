/**
 * Which inferences are captured: {@link io.headwatch.agent.sampling.AdaptiveSampler}, one per
 * model, draws against the configured rate, lowered to keep the agent's measured cost within the
 * overhead budget, and an optional per-second limit.
 */
package io.headwatch.agent.sampling;
