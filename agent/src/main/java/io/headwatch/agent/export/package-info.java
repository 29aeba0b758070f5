/**
 * What leaves the agent, through its own relocated OpenTelemetry SDK: {@link
 * io.headwatch.agent.export.AgentTelemetry} (the SDK and every instrument), {@link
 * io.headwatch.agent.export.ModelTelemetry} (one model's attributes, spans and metric recording),
 * {@link io.headwatch.agent.export.SnapshotRecords} (per-sequence snapshot log records), the
 * per-head series policy and the names of the telemetry contract (docs/telemetry.md).
 */
package io.headwatch.agent.export;
