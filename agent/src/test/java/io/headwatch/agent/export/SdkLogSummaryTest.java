package io.headwatch.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SDK's log records become one [headwatch] line, then a summary at most once a minute. */
class SdkLogSummaryTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream original;
  private long now;

  @BeforeEach
  void captureStandardError() {
    original = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(original);
  }

  private List<String> lines() {
    String text = err.toString(StandardCharsets.UTF_8).trim();
    return text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }

  private static LogRecord exportFailure() {
    LogRecord r =
        new LogRecord(
            Level.SEVERE,
            "Failed to export spans. The request could not be executed. Full error message:"
                + " Connection refused");
    r.setThrown(new ConnectException("Connection refused"));
    return r;
  }

  @Test
  void firstProblemAtOnceThenOneSummaryPerMinuteAndNoStackTraces() {
    SdkLogSummary summary = new SdkLogSummary(() -> now);
    summary.publish(exportFailure());
    for (int i = 0; i < 500; i++) {
      now += 100_000_000L; // 0.1 s apart: 50 s in all
      summary.publish(exportFailure());
    }
    assertEquals(1, lines().size(), lines().toString());
    assertTrue(lines().get(0).startsWith("[headwatch] WARN could not export telemetry: Failed to"));
    assertTrue(lines().get(0).contains("(ConnectException: Connection refused)"));
    now += SdkLogSummary.PERIOD_NANOS;
    summary.publish(exportFailure());
    assertEquals(2, lines().size(), lines().toString());
    assertTrue(
        lines().get(1).startsWith("[headwatch] WARN 501 telemetry export problem(s) in the last"),
        lines().get(1));
    for (String line : lines()) {
      assertFalse(line.contains("\tat "), "no stack trace: " + line);
    }
  }

  @Test
  void timeOutsAreExportProblemsAndOtherKindsAreSeparate() {
    SdkLogSummary summary = new SdkLogSummary(() -> now);
    summary.publish(new LogRecord(Level.WARNING, "Exporter timed out"));
    summary.publish(exportFailure()); // same kind: summarised, not printed
    summary.publish(new LogRecord(Level.WARNING, "Something else went wrong"));
    summary.publish(new LogRecord(Level.INFO, "below warning: ignored"));
    assertEquals(2, lines().size(), lines().toString());
    assertTrue(lines().get(1).contains("OpenTelemetry SDK: Something else went wrong"));
  }
}
