/**
 * The agent's entry point ({@link io.headwatch.agent.HeadwatchAgent}: {@code premain}, Byte Buddy
 * set-up) and its run-time wiring ({@link io.headwatch.agent.runtime.AgentRuntime}: settings, model
 * registry, capture pipeline, set-up thread, telemetry, shutdown). The data flows capture (per
 * engine: {@code onnx}, {@code djl}) → sampling → pipeline → stats → export.
 */
package io.headwatch.agent;
