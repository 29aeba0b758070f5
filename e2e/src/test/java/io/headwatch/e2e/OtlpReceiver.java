package io.headwatch.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * A minimal OTLP/HTTP protobuf receiver for tests: decodes what the agent's real OpenTelemetry
 * exporters send (chunked bodies, optional gzip) with the official OTLP protobuf classes.
 */
final class OtlpReceiver implements AutoCloseable {
  private final HttpServer server;
  final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
  final List<ExportTraceServiceRequest> traces = new CopyOnWriteArrayList<>();
  final List<ExportLogsServiceRequest> logs = new CopyOnWriteArrayList<>();
  final List<String> errors = new CopyOnWriteArrayList<>();

  OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/metrics",
        exchange ->
            handle(
                exchange,
                body -> {
                  metrics.add(ExportMetricsServiceRequest.parseFrom(body));
                  return ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
                }));
    server.createContext(
        "/v1/traces",
        exchange ->
            handle(
                exchange,
                body -> {
                  traces.add(ExportTraceServiceRequest.parseFrom(body));
                  return ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                }));
    server.createContext(
        "/v1/logs",
        exchange ->
            handle(
                exchange,
                body -> {
                  logs.add(ExportLogsServiceRequest.parseFrom(body));
                  return ExportLogsServiceResponse.getDefaultInstance().toByteArray();
                }));
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private interface Decoder {
    byte[] decode(byte[] body) throws IOException;
  }

  private void handle(HttpExchange exchange, Decoder decoder) throws IOException {
    try (exchange) {
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      if (!"POST".equals(exchange.getRequestMethod())
          || type == null
          || !type.startsWith("application/x-protobuf")) {
        errors.add("unexpected request " + exchange.getRequestMethod() + " " + type);
        exchange.sendResponseHeaders(415, -1);
        return;
      }
      InputStream in = exchange.getRequestBody();
      if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
        in = new GZIPInputStream(in);
      }
      byte[] response;
      try {
        response = decoder.decode(in.readAllBytes());
      } catch (Throwable e) {
        // Recorded, so that a test fails on it instead of silently receiving nothing.
        errors.add("undecodable body on " + exchange.getRequestURI() + ": " + e);
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, response.length);
      exchange.getResponseBody().write(response);
    }
  }

  /** Every metric received with this name, across requests, in arrival order. */
  List<Metric> metricsNamed(String name) {
    List<Metric> out = new ArrayList<>();
    for (ExportMetricsServiceRequest request : metrics) {
      request
          .getResourceMetricsList()
          .forEach(
              rm ->
                  rm.getScopeMetricsList()
                      .forEach(
                          sm ->
                              sm.getMetricsList().stream()
                                  .filter(m -> m.getName().equals(name))
                                  .forEach(out::add)));
    }
    return out;
  }

  /** The last exported (cumulative) point of a histogram, per attribute set; fails if absent. */
  Map<String, HistogramDataPoint> lastHistogramPoints(String name) {
    List<Metric> found = metricsNamed(name);
    if (found.isEmpty()) {
      throw new AssertionError("no metric " + name);
    }
    Map<String, HistogramDataPoint> last = new HashMap<>();
    for (Metric metric : found) {
      if (!metric.hasHistogram()) {
        throw new AssertionError(name + " is not a histogram");
      }
      for (HistogramDataPoint p : metric.getHistogram().getDataPointsList()) {
        last.put(p.getAttributesList().toString(), p);
      }
    }
    return last;
  }

  /** The last exported point of a monotonic sum (a counter), per attribute set; fails if absent. */
  Map<String, NumberDataPoint> lastSumPoints(String name) {
    List<Metric> found = metricsNamed(name);
    if (found.isEmpty()) {
      throw new AssertionError("no metric " + name);
    }
    Map<String, NumberDataPoint> last = new HashMap<>();
    for (Metric metric : found) {
      if (!metric.hasSum() || !metric.getSum().getIsMonotonic()) {
        throw new AssertionError(name + " is not a counter");
      }
      for (NumberDataPoint p : metric.getSum().getDataPointsList()) {
        last.put(p.getAttributesList().toString(), p);
      }
    }
    return last;
  }

  List<Span> spans() {
    List<Span> out = new ArrayList<>();
    for (ExportTraceServiceRequest request : traces) {
      request
          .getResourceSpansList()
          .forEach(rs -> rs.getScopeSpansList().forEach(ss -> out.addAll(ss.getSpansList())));
    }
    return out;
  }

  List<LogRecord> logRecords() {
    List<LogRecord> out = new ArrayList<>();
    for (ExportLogsServiceRequest request : logs) {
      request
          .getResourceLogsList()
          .forEach(rl -> rl.getScopeLogsList().forEach(sl -> out.addAll(sl.getLogRecordsList())));
    }
    return out;
  }

  /** Resource attribute of the first metrics request, for service name checks. */
  String resourceAttribute(String key) {
    for (ExportMetricsServiceRequest request : metrics) {
      for (var rm : request.getResourceMetricsList()) {
        String v = attribute(rm.getResource().getAttributesList(), key);
        if (v != null) {
          return v;
        }
      }
    }
    return null;
  }

  static String attribute(List<KeyValue> attributes, String key) {
    AnyValue value = value(attributes, key);
    if (value == null) {
      return null;
    }
    switch (value.getValueCase()) {
      case STRING_VALUE:
        return value.getStringValue();
      case INT_VALUE:
        return Long.toString(value.getIntValue());
      case BOOL_VALUE:
        return Boolean.toString(value.getBoolValue());
      case DOUBLE_VALUE:
        return Double.toString(value.getDoubleValue());
      default:
        return value.toString();
    }
  }

  static AnyValue value(List<KeyValue> attributes, String key) {
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(key)) {
        return kv.getValue();
      }
    }
    return null;
  }

  static double[] doubles(List<KeyValue> attributes, String key) {
    AnyValue value = value(attributes, key);
    if (value == null || !value.hasArrayValue()) {
      return null;
    }
    List<AnyValue> values = value.getArrayValue().getValuesList();
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i).getDoubleValue();
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
