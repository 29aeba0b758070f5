package io.headwatch.bench;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/**
 * The OTLP/HTTP endpoint the benchmark's workers export to: it answers 200 to everything and keeps,
 * per service, the latest cumulative values of the agent's own cost metrics.
 */
final class AgentCostSink {
  private final Map<String, Double> values = new ConcurrentHashMap<>();

  HttpServer server() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            InputStream in = exchange.getRequestBody();
            if ("gzip"
                .equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
              in = new GZIPInputStream(in);
            }
            byte[] body = in.readAllBytes();
            if (exchange.getRequestURI().getPath().equals("/v1/metrics")) {
              record(ExportMetricsServiceRequest.parseFrom(body));
            }
            exchange.sendResponseHeaders(200, -1);
          }
        });
    server.start();
    return server;
  }

  private void record(ExportMetricsServiceRequest request) {
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      String service = attribute(rm.getResource().getAttributesList(), "service.name");
      rm.getScopeMetricsList().forEach(sm -> sm.getMetricsList().forEach(m -> record(service, m)));
    }
  }

  private void record(String service, Metric m) {
    if (m.getName().equals("headwatch.agent.overhead")) {
      for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
        String phase = attribute(p.getAttributesList(), "headwatch.phase");
        values.put(service + "/" + phase + "/sum", p.getSum());
        values.put(service + "/" + phase + "/count", (double) p.getCount());
      }
    } else if (m.getName().equals("headwatch.agent.inferences")
        || m.getName().equals("headwatch.agent.dropped")) {
      // Cumulative counters: the sum over attribute sets is the total so far.
      double total = 0;
      for (NumberDataPoint p : m.getSum().getDataPointsList()) {
        total += p.hasAsDouble() ? p.getAsDouble() : p.getAsInt();
      }
      values.put(service + "/" + m.getName(), total);
    } else if (m.getName().equals("headwatch.agent.sampling.effective_rate")
        || m.getName().equals("headwatch.agent.cost")) {
      for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
        values.put(service + "/" + m.getName(), p.getAsDouble());
      }
    }
  }

  String row(String service, String rate) {
    double threadSum = values.getOrDefault(service + "/inference_thread/sum", Double.NaN);
    double threadCount = values.getOrDefault(service + "/inference_thread/count", Double.NaN);
    double runSum = values.getOrDefault(service + "/capture_run/sum", 0.0);
    double runs = values.getOrDefault(service + "/capture_run/count", 0.0);
    double captures = values.getOrDefault(service + "/statistics/count", 0.0);
    double statisticsSum = values.getOrDefault(service + "/statistics/sum", 0.0);
    double inferences = values.getOrDefault(service + "/headwatch.agent.inferences", 0.0);
    double dropped = values.getOrDefault(service + "/headwatch.agent.dropped", 0.0);
    return String.format(
        Locale.ROOT,
        "| %s | %.1f | %.0f | %.0f | %s | %.0f | %.0f | %s | %s | %s | %s |",
        rate,
        threadSum / threadCount * 1e6,
        inferences,
        captures,
        inferences > 0 ? String.format(Locale.ROOT, "%.3f", captures / inferences) : "—",
        dropped,
        runs,
        runs > 0 ? String.format(Locale.ROOT, "%.1f", runSum / runs * 1e3) : "—",
        captures > 0 ? String.format(Locale.ROOT, "%.2f", statisticsSum / captures * 1e3) : "—",
        format(values.get(service + "/headwatch.agent.sampling.effective_rate")),
        format(values.get(service + "/headwatch.agent.cost")));
  }

  private static String format(Double value) {
    return value == null ? "—" : String.format(Locale.ROOT, "%.4f", value);
  }

  private static String attribute(java.util.List<KeyValue> attributes, String key) {
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().getStringValue();
      }
    }
    return "";
  }
}
