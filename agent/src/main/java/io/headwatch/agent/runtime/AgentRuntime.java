package io.headwatch.agent.runtime;

import io.headwatch.agent.capture.TokenRedactor;
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
  private final HeadwatchControl control;
  private final TokenRedactor redactor;
  private volatile AgentTelemetry telemetry;
  private volatile boolean warmingUp;
  private final Object drainLock = new Object();
  private final Object deadlineLock = new Object();
  private boolean drained;
  private long exitDeadline;

  public AgentRuntime(HeadwatchConfig config, Supplier<AgentTelemetry> telemetryFactory) {
    this.config = config;
    this.telemetryFactory = telemetryFactory;
    this.models = new ModelRegistry(config, this::telemetry);
    this.control = new HeadwatchControl(config.mapsAll());
    this.redactor = TokenRedactor.of(config.snapshotTokensRedact());
    this.pipeline =
        new CapturePipeline(
            config.queueCapacity(),
            config.queueMaxBytes(),
            config.snapshotMaxSequences(),
            new CapturePipeline.MapSettings(
                config.mapsRate(),
                config.mapsUnusualZ(),
                config.mapsMaxBytesPerMinute(),
                config.mapsFullMaxTokens(),
                config.mapsTopK(),
                control::isMapsForAll));
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

  /** Redacts captured token texts (token capture on) before they are kept. */
  public TokenRedactor tokenRedactor() {
    return redactor;
  }

  /** The operator's run-time switches (also a JMX bean). */
  public HeadwatchControl control() {
    return control;
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
      setup.submit(control::register);
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
   * Finishes queued work and flushes telemetry, all within {@code headwatch.shutdown.timeout_ms}
   * from the moment the JVM started to exit, whatever the endpoint does. Runs from the JVM's
   * shutdown hook (and, for its first part, from ONNX Runtime's, which must not release its
   * environment while agent work is in flight: see {@code onnx.OnnxShutdownGuard}).
   */
  public void shutdown() {
    long deadline = exitDeadline();
    if (AgentLog.isDebug()) {
      models.forEach(m -> AgentLog.debug("model " + m.model() + ": " + m.sampler().describe()));
    }
    drainUntil(drainDeadline(deadline));
    AgentTelemetry t = telemetry;
    AgentTelemetry.Flush flush =
        t == null ? AgentTelemetry.Flush.SENT : t.shutdown(remainingMillis(deadline));
    if (flush == AgentTelemetry.Flush.TIMED_OUT) {
      AgentLog.warn(
          "exit: telemetry not flushed within headwatch.shutdown.timeout_ms="
              + config.shutdownTimeoutMs()
              + " ms (the endpoint is unreachable or slow); what was not sent is lost");
    } else if (flush == AgentTelemetry.Flush.FAILED) {
      AgentLog.warn(
          "exit: telemetry not flushed: the export failed (the endpoint refused the connection or"
              + " the data; check OTEL_EXPORTER_OTLP_ENDPOINT); what was not sent is lost");
    }
    AgentLog.debug("shutdown complete");
  }

  /**
   * The moment by which the agent's exit work must be done: set by the first of the shutdown hooks
   * to ask, {@code headwatch.shutdown.timeout_ms} after it asked.
   */
  public long exitDeadline() {
    synchronized (deadlineLock) {
      if (exitDeadline == 0) {
        exitDeadline = System.nanoTime() + config.shutdownTimeoutMs() * 1_000_000L;
      }
      return exitDeadline;
    }
  }

  /** The part of the exit time for finishing work; the rest is kept for the flush. */
  public long drainDeadline(long exitDeadline) {
    long total = config.shutdownTimeoutMs() * 1_000_000L;
    return exitDeadline - Math.min(total / 5, 2_000_000_000L);
  }

  /** Milliseconds left until {@code deadline} (nanoTime), at least 0. */
  public static long remainingMillis(long deadline) {
    return Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
  }

  /** Stops taking work and finishes what is queued, until {@code deadline} (nanoTime). */
  public void drainUntil(long deadline) {
    // Held throughout: a second hook waits for the first one's drain instead of going on.
    synchronized (drainLock) {
      if (drained) {
        return;
      }
      drained = true;
      setup.drain(remainingMillis(deadline));
      pipeline.drain(remainingMillis(deadline));
    }
  }
}
