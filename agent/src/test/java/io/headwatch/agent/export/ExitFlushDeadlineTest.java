package io.headwatch.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import java.time.Duration;
import java.util.Collection;
import org.junit.jupiter.api.Test;

/**
 * The exit flush gives up at its deadline even when the SDK's shutdown itself blocks: the periodic
 * metric reader waits for its final export inside {@code shutdown()} (with SDK 1.68, about 10 s
 * when the export never ends, as against an endpoint that accepts connections but never answers). A
 * flush that waited on the caller's thread came back after those 10 s with FAILED (measured before
 * the fix), instead of TIMED_OUT at its 200 ms deadline; the 60 s bound only stops a flush that
 * would wait longer still.
 */
class ExitFlushDeadlineTest {

  /** An export that never ends, like one sent to an endpoint that never answers. */
  private static final class SilentEndpointExporter implements MetricExporter {
    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      return new CompletableResultCode();
    }

    @Override
    public CompletableResultCode flush() {
      return new CompletableResultCode();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType type) {
      return AggregationTemporality.CUMULATIVE;
    }
  }

  @Test
  void aShutdownThatBlocksInsideTheSdkIsReportedAsTimedOut() {
    PeriodicMetricReader reader =
        PeriodicMetricReader.builder(new SilentEndpointExporter())
            .setInterval(Duration.ofHours(1))
            .setExporterTimeout(Duration.ofMinutes(10))
            .build();
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
            .build();
    AgentTelemetry telemetry = SdkTelemetry.of(sdk);
    telemetry.recordDropped("queue_full"); // something to export at exit

    AgentTelemetry.Flush flush =
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> telemetry.shutdown(200));

    assertEquals(AgentTelemetry.Flush.TIMED_OUT, flush);
  }
}
