/**
 * The agent's run-time wiring: {@link io.headwatch.agent.runtime.AgentRuntime} holds the settings,
 * the model registry, the capture pipeline, the set-up thread and the telemetry that the engine
 * instrumentation reaches, and stops them in order at exit.
 */
package io.headwatch.agent.runtime;
