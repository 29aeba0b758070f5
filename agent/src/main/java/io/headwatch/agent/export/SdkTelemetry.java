package io.headwatch.agent.export;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Headwatch's own OpenTelemetry SDK, for {@code -javaagent:headwatch-agent.jar}. The only class
 * that knows the SDK: the OpenTelemetry Java agent extension jar has no SDK and never loads it.
 */
final class SdkTelemetry {
  private SdkTelemetry() {}

  static AgentTelemetry of(OpenTelemetrySdk sdk) {
    return new AgentTelemetry(sdk, timeoutMs -> flush(sdk, timeoutMs));
  }

  /**
   * Shuts the SDK down on a thread of its own and waits for it at most {@code timeoutMs}. Not on
   * the caller's thread: the SDK's periodic metric reader does its final export inside {@code
   * shutdown()} and waits for it there (about 10 s with SDK 1.68); against an endpoint that accepts
   * connections but never answers, that held the JVM's exit 10 s instead of {@code
   * headwatch.shutdown.timeout_ms} (ExitFlushDeadlineTest). The thread is a daemon: when the
   * deadline comes first, the JVM exits without it.
   */
  private static AgentTelemetry.Flush flush(OpenTelemetrySdk sdk, long timeoutMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    CompletableFuture<CompletableResultCode> started = new CompletableFuture<>();
    Thread shutdown =
        new Thread(
            () -> {
              try {
                started.complete(sdk.shutdown());
              } catch (Throwable t) {
                started.completeExceptionally(t);
              }
            },
            "headwatch-telemetry-shutdown");
    shutdown.setDaemon(true);
    shutdown.start();
    CompletableResultCode result;
    try {
      result = started.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return AgentTelemetry.Flush.TIMED_OUT;
    } catch (ExecutionException e) {
      return AgentTelemetry.Flush.FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return AgentTelemetry.Flush.TIMED_OUT;
    }
    long left = Math.max(0, deadline - System.nanoTime());
    result.join(left, TimeUnit.NANOSECONDS);
    if (!result.isDone()) {
      return AgentTelemetry.Flush.TIMED_OUT;
    }
    return result.isSuccess() ? AgentTelemetry.Flush.SENT : AgentTelemetry.Flush.FAILED;
  }

  /**
   * Builds the SDK from the standard OpenTelemetry settings. Headwatch changes two defaults: OTLP
   * over HTTP/protobuf (the collector's protocol), and a service name and instance id taken from
   * the process when the operator gives none.
   */
  static AgentTelemetry create() {
    SdkLogSummary.install();
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
    MetricExportTimeout timeout = new MetricExportTimeout();
    AutoConfiguredOpenTelemetrySdk auto =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> defaults)
            .addResourceCustomizer((resource, config) -> withInstanceId(resource))
            .addMetricExporterCustomizer(
                (exporter, config) -> timeout.exporter(new OwnMetricsOnly(exporter)))
            .addMetricReaderCustomizer(timeout::reader)
            // not set as global: the (relocated) GlobalOpenTelemetry is the agent's alone anyway
            .disableShutdownHook() // the agent flushes in its own hook, after its worker drained
            .build();
    return of(auto.getOpenTelemetrySdk());
  }

  private static Resource withInstanceId(Resource resource) {
    AttributeKey<String> service = AttributeKey.stringKey("service.name");
    AttributeKey<String> instance = AttributeKey.stringKey("service.instance.id");
    Resource result = resource;
    String name = resource.getAttribute(service);
    if (name == null || name.startsWith("unknown_service")) {
      result =
          result.merge(
              Resource.create(Attributes.of(service, AgentTelemetry.defaultServiceName())));
    }
    if (resource.getAttribute(instance) == null) {
      result = result.merge(Resource.create(Attributes.of(instance, UUID.randomUUID().toString())));
    }
    return result;
  }
}
