package io.headwatch.agent.runtime;

import io.headwatch.agent.config.HeadwatchConfig;
import io.headwatch.agent.export.AgentTelemetry;
import io.headwatch.agent.model.ModelRegistry;
import io.headwatch.agent.pipeline.CapturePipeline;
import io.headwatch.agent.pipeline.SetupThread;
import io.headwatch.agent.util.AgentLog;
import java.util.function.Supplier;

/**
 * What the instrumentation needs at run time, wired once: settings, the model registry, the capture
 * pipeline, the set-up thread and the telemetry.
 *
 * <p>The OpenTelemetry SDK is built on first use (when the application first runs a model), so that
 * an application that never runs a model pays nothing for it.
 */
public final class AgentRuntime {
  private static volatile AgentRuntime current;

  private final HeadwatchConfig config;
  private final Supplier<AgentTelemetry> telemetryFactory;
  private final ModelRegistry models;
  private final CapturePipeline pipeline;
  private final SetupThread setup;
  private volatile AgentTelemetry telemetry;
  private volatile boolean warmingUp;
  private final Object drainLock = new Object();
  private boolean drained;

  public AgentRuntime(HeadwatchConfig config, Supplier<AgentTelemetry> telemetryFactory) {
    this.config = config;
    this.telemetryFactory = telemetryFactory;
    this.models = new ModelRegistry(config, this::telemetry);
    this.pipeline =
        new CapturePipeline(
            config.queueCapacity(), config.queueMaxBytes(), config.snapshotMaxSequences());
    this.setup = new SetupThread();
  }

  /** The installed runtime, or null when the agent is not installed or is switched off. */
  public static AgentRuntime current() {
    return current;
  }

  /** Installs {@code runtime} as the current one, with a JVM shutdown hook that stops it. */
  public static void install(AgentRuntime runtime) {
    current = runtime;
    Runtime.getRuntime().addShutdownHook(new Thread(runtime::shutdown, "headwatch-shutdown"));
  }

  public HeadwatchConfig config() {
    return config;
  }

  public ModelRegistry models() {
    return models;
  }

  public CapturePipeline pipeline() {
    return pipeline;
  }

  public SetupThread setup() {
    return setup;
  }

  /**
   * Builds the telemetry on the set-up thread, ahead of its first use: called when the application
   * loads a model library's classes, typically seconds before its first inference, so that building
   * the SDK and its exporters is off the application's start path. Idempotent.
   */
  public void warmUp() {
    if (telemetry == null && !warmingUp) {
      warmingUp = true;
      setup.submit(this::telemetry);
    }
  }

  public AgentTelemetry telemetry() {
    AgentTelemetry t = telemetry;
    if (t == null) {
      synchronized (this) {
        t = telemetry;
        if (t == null) {
          t = telemetryFactory.get();
          telemetry = t;
        }
      }
    }
    return t;
  }

  /**
   * Finishes queued work within the shutdown timeout and flushes telemetry. Runs from the JVM's
   * shutdown hook (and from ONNX Runtime's, which must not release its environment while agent work
   * is in flight: see {@code onnx.OnnxShutdownGuard}); the second call only flushes.
   */
  public void shutdown() {
    long timeout = config.shutdownTimeoutMs();
    long start = System.nanoTime();
    drain(timeout);
    AgentTelemetry t = telemetry;
    if (t != null) {
      long left = Math.max(0, timeout - (System.nanoTime() - start) / 1_000_000);
      t.shutdown(Math.max(left, 1000));
    }
    AgentLog.debug("shutdown complete");
  }

  /** Stops taking work and finishes what is queued, within {@code timeoutMs}. */
  public void drain(long timeoutMs) {
    synchronized (drainLock) {
      if (drained) {
        return;
      }
      drained = true;
      long start = System.nanoTime();
      setup.drain(timeoutMs);
      long left = Math.max(1, timeoutMs - (System.nanoTime() - start) / 1_000_000);
      pipeline.drain(left);
    }
  }
}
