package io.headwatch.agent.export;

import io.headwatch.agent.util.AgentLog;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the agent's own (relocated) OpenTelemetry SDK logs through java.util.logging, turned into
 * {@code [headwatch]} lines: the first problem of each kind at once, then at most one summary line
 * per minute per kind, never a stack trace, and nothing on the application's own loggers. An
 * endpoint that is unreachable, slow or refusing data says so in one line, not in thousands.
 */
final class SdkLogSummary extends Handler {
  static final long PERIOD_NANOS = TimeUnit.MINUTES.toNanos(1);

  // Held strongly: java.util.logging keeps loggers weakly, and would forget the configuration.
  private static Logger sdkLogger;

  private final LongSupplier clock;
  private final java.util.Map<String, Kind> kinds = new java.util.HashMap<>();

  private static final class Kind {
    long lastPrinted;
    int suppressed;
    String last;
  }

  SdkLogSummary(LongSupplier clock) {
    this.clock = clock;
    setLevel(Level.WARNING);
  }

  /** Routes the agent's SDK loggers through a summary; their records reach no other handler. */
  static synchronized void install() {
    if (sdkLogger != null) {
      return;
    }
    // "io.opentelemetry" as relocated in the agent jar
    // (io.headwatch.agent.shaded.io.opentelemetry).
    String name = OpenTelemetrySdk.class.getName().replace(".sdk.OpenTelemetrySdk", "");
    Logger logger = Logger.getLogger(name);
    if (!name.startsWith("io.headwatch.")) {
      return; // unrelocated (tests): the SDK is the application's own, leave its logging alone
    }
    logger.setUseParentHandlers(false);
    logger.setLevel(Level.WARNING);
    logger.addHandler(new SdkLogSummary(System::nanoTime));
    sdkLogger = logger;
  }

  @Override
  public synchronized void publish(LogRecord record) {
    if (record == null || !isLoggable(record)) {
      return;
    }
    String message = describe(record);
    String key = kindOf(message);
    Kind kind = kinds.computeIfAbsent(key, k -> new Kind());
    long now = clock.getAsLong();
    if (kind.last == null) {
      kind.last = message;
      kind.lastPrinted = now;
      AgentLog.warn(
          firstLine(key, message)
              + " (further such problems are summarised at most once a minute)");
      return;
    }
    kind.last = message;
    if (now - kind.lastPrinted < PERIOD_NANOS) {
      kind.suppressed++;
      return;
    }
    AgentLog.warn(
        (kind.suppressed + 1)
            + " "
            + (key.equals("export") ? "telemetry export problem(s)" : "SDK problem(s)")
            + " in the last "
            + TimeUnit.NANOSECONDS.toSeconds(now - kind.lastPrinted)
            + " s; the last: "
            + message);
    kind.suppressed = 0;
    kind.lastPrinted = now;
  }

  private static String firstLine(String key, String message) {
    return key.equals("export")
        ? "could not export telemetry: " + message
        : "OpenTelemetry SDK: " + message;
  }

  /** Export failures and time-outs are one kind; anything else is its own kind by logger. */
  private static String kindOf(String message) {
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("export") || m.contains("timed out") ? "export" : "sdk";
  }

  /** The record's message and cause, on one bounded line, without a stack trace. */
  static String describe(LogRecord record) {
    StringBuilder out = new StringBuilder(String.valueOf(record.getMessage()));
    Throwable t = record.getThrown();
    if (t != null) {
      out.append(" (").append(t.getClass().getSimpleName());
      if (t.getMessage() != null) {
        out.append(": ").append(t.getMessage());
      }
      out.append(')');
    }
    String line = out.toString().replaceAll("\\s+", " ").trim();
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
