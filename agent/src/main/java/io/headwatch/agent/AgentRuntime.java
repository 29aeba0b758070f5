package io.headwatch.agent;

import io.headwatch.agent.config.HeadwatchConfig;
import io.headwatch.agent.export.AgentTelemetry;
import io.headwatch.agent.export.AttentionSeries;
import io.headwatch.agent.pipeline.StatisticsWorker;
import io.headwatch.agent.sampling.AdaptiveSampler;
import io.headwatch.agent.util.AgentLog;

/**
 * What the instrumentation needs at run time: settings, samplers, worker and telemetry.
 *
 * <p>The OpenTelemetry SDK is built on first use (when the application creates its first model
 * session), so that an application that never runs a model pays nothing for it.
 */
public final class AgentRuntime {
  private static volatile AgentRuntime current;

  private final HeadwatchConfig config;
  private final StatisticsWorker worker;
  private volatile AgentTelemetry telemetry;

  AgentRuntime(HeadwatchConfig config) {
    this.config = config;
    this.worker = new StatisticsWorker(config.queueCapacity());
  }

  /** The installed runtime, or null when the agent is not installed or is switched off. */
  public static AgentRuntime current() {
    return current;
  }

  static void install(AgentRuntime runtime) {
    current = runtime;
    Thread hook = new Thread(runtime::shutdown, "headwatch-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  public HeadwatchConfig config() {
    return config;
  }

  /** A new per-head series policy for one model, as configured. */
  public AttentionSeries newAttentionSeries() {
    return new AttentionSeries(
        config.attentionAggregation(), config.attentionTopK(), config.attentionMaxHeadSeries());
  }

  /** A new sampler for one model, with the configured rate, budget and per-second limit. */
  public AdaptiveSampler newSampler() {
    return new AdaptiveSampler(
        config.samplingRate(), config.overheadBudget(), config.samplingMaxPerSecond());
  }

  public StatisticsWorker worker() {
    return worker;
  }

  public AgentTelemetry telemetry() {
    AgentTelemetry t = telemetry;
    if (t == null) {
      synchronized (this) {
        t = telemetry;
        if (t == null) {
          t = AgentTelemetry.create();
          telemetry = t;
        }
      }
    }
    return t;
  }

  private void shutdown() {
    long timeout = config.shutdownTimeoutMs();
    long start = System.nanoTime();
    worker.drain(timeout);
    AgentTelemetry t = telemetry;
    if (t != null) {
      long left = Math.max(0, timeout - (System.nanoTime() - start) / 1_000_000);
      t.shutdown(Math.max(left, 1000));
    }
    AgentLog.debug("shutdown complete");
  }
}
