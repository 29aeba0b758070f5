/**
 * The agent's background work. {@link io.headwatch.agent.pipeline.CapturePipeline} is the one path
 * from any engine's {@link io.headwatch.agent.capture.Capture} to statistics, metrics and snapshot
 * records (bounded queue, one worker, drop counter); {@link
 * io.headwatch.agent.pipeline.SetupThread} prepares capture sessions off the application's threads.
 */
package io.headwatch.agent.pipeline;
