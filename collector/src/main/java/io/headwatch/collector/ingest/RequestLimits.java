package io.headwatch.collector.ingest;

import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;

/**
 * The limits on what the collector keeps from a decoded request, checked before it is queued: what
 * stays in memory or in the store (metric labels, inference spans, snapshots) must fit them.
 * Records the collector only forwards (the application's own spans and logs) are not checked.
 *
 * @param maxAttentionCells most layers × heads (and layers) a snapshot may declare
 * @param maxAttributes most attributes on one resource, data point, inference span or snapshot
 * @param maxValueBytes longest attribute key or string value (UTF-8 bytes), strings in arrays too
 * @param maxMapBytes largest body of one attention-map record
 */
public record RequestLimits(
    long maxAttentionCells, int maxAttributes, int maxValueBytes, int maxMapBytes) {
  static final String CELLS = "max-attention-cells";
  static final String ATTRIBUTES = "max-attributes";
  static final String VALUE_BYTES = "max-attribute-value-bytes";
  static final String MAP_BYTES = "max-attention-map-bytes";

  /** Without a separate bound for attention maps: then a map body may fill a request. */
  public RequestLimits(long maxAttentionCells, int maxAttributes, int maxValueBytes) {
    this(maxAttentionCells, maxAttributes, maxValueBytes, Integer.MAX_VALUE);
  }

  /** Throws naming the first limit the request passes. */
  public void check(Message request) throws LimitExceededException {
    if (request instanceof ExportMetricsServiceRequest m) {
      check(m);
    } else if (request instanceof ExportTraceServiceRequest t) {
      check(t);
    } else if (request instanceof ExportLogsServiceRequest l) {
      check(l);
    }
  }

  private void check(ExportMetricsServiceRequest request) throws LimitExceededException {
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      attributes(rm.getResource().getAttributesList(), "resource");
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          String where = "metric " + clip(m.getName());
          text(m.getName(), "metric name");
          switch (m.getDataCase()) {
            case GAUGE -> numberPoints(m.getGauge().getDataPointsList(), where);
            case SUM -> numberPoints(m.getSum().getDataPointsList(), where);
            case HISTOGRAM -> {
              for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
                attributes(p.getAttributesList(), where);
              }
            }
            case EXPONENTIAL_HISTOGRAM -> {
              for (ExponentialHistogramDataPoint p :
                  m.getExponentialHistogram().getDataPointsList()) {
                attributes(p.getAttributesList(), where);
              }
            }
            case SUMMARY -> {
              for (SummaryDataPoint p : m.getSummary().getDataPointsList()) {
                attributes(p.getAttributesList(), where);
              }
            }
            default -> {
              // no points
            }
          }
        }
      }
    }
  }

  private void numberPoints(List<NumberDataPoint> points, String where)
      throws LimitExceededException {
    for (NumberDataPoint p : points) {
      attributes(p.getAttributesList(), where);
    }
  }

  private void check(ExportTraceServiceRequest request) throws LimitExceededException {
    for (ResourceSpans rs : request.getResourceSpansList()) {
      boolean resourceChecked = false;
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          if (!SpanParser.isInferenceSpan(span)) {
            continue;
          }
          if (!resourceChecked) {
            attributes(rs.getResource().getAttributesList(), "resource");
            resourceChecked = true;
          }
          text(span.getName(), "span name");
          attributes(span.getAttributesList(), "inference span " + clip(span.getName()));
        }
      }
    }
  }

  private void check(ExportLogsServiceRequest request) throws LimitExceededException {
    for (ResourceLogs rl : request.getResourceLogsList()) {
      boolean resourceChecked = false;
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord log : sl.getLogRecordsList()) {
          boolean snapshot = SnapshotParser.isSnapshot(log);
          boolean map = !snapshot && AttentionMapParser.isAttentionMap(log);
          if (!snapshot && !map) {
            continue;
          }
          if (!resourceChecked) {
            attributes(rl.getResource().getAttributesList(), "resource");
            resourceChecked = true;
          }
          attributes(log.getAttributesList(), snapshot ? "snapshot" : "attention map");
          shape(log);
          if (map && log.getBody().getBytesValue().size() > maxMapBytes) {
            throw new LimitExceededException(
                MAP_BYTES,
                maxMapBytes,
                "attention map body of " + log.getBody().getBytesValue().size() + " bytes");
          }
        }
      }
    }
  }

  private void shape(LogRecord log) throws LimitExceededException {
    long layers = 0;
    long heads = 0;
    for (KeyValue kv : log.getAttributesList()) {
      if (kv.getKey().equals("headwatch.layers")) {
        layers = integral(kv.getValue());
      } else if (kv.getKey().equals("headwatch.heads")) {
        heads = integral(kv.getValue());
      }
    }
    // A product that overflows is larger than any limit.
    long cells =
        Math.abs(layers) > Integer.MAX_VALUE || Math.abs(heads) > Integer.MAX_VALUE
            ? Long.MAX_VALUE
            : Math.abs(layers * heads);
    if (cells > maxAttentionCells || Math.abs(layers) > maxAttentionCells) {
      throw new LimitExceededException(
          CELLS,
          maxAttentionCells,
          "snapshot shape headwatch.layers × headwatch.heads = " + layers + " × " + heads);
    }
  }

  private static long integral(AnyValue v) {
    if (v.hasIntValue()) {
      return v.getIntValue();
    }
    if (v.hasDoubleValue() && Double.isFinite(v.getDoubleValue())) {
      double d = v.getDoubleValue();
      return d >= Long.MAX_VALUE ? Long.MAX_VALUE : d <= Long.MIN_VALUE ? Long.MIN_VALUE : (long) d;
    }
    return 0;
  }

  private void attributes(List<KeyValue> attributes, String where) throws LimitExceededException {
    if (attributes.size() > maxAttributes) {
      throw new LimitExceededException(
          ATTRIBUTES, maxAttributes, where + " with " + attributes.size() + " attributes");
    }
    for (KeyValue kv : attributes) {
      text(kv.getKey(), "an attribute key of " + where);
      value(kv.getValue(), kv.getKey(), where);
    }
  }

  private void value(AnyValue v, String key, String where) throws LimitExceededException {
    switch (v.getValueCase()) {
      case STRING_VALUE -> text(v.getStringValue(), "attribute " + clip(key) + " of " + where);
      case ARRAY_VALUE -> {
        for (AnyValue item : v.getArrayValue().getValuesList()) {
          value(item, key, where);
        }
      }
      case KVLIST_VALUE -> {
        for (KeyValue kv : v.getKvlistValue().getValuesList()) {
          text(kv.getKey(), "a key inside attribute " + clip(key) + " of " + where);
          value(kv.getValue(), key, where);
        }
      }
      default -> {
        // numbers, booleans and bytes: bounded by the body size
      }
    }
  }

  private void text(String s, String what) throws LimitExceededException {
    // UTF-8 is at most 3 bytes per UTF-16 char: only long strings need the exact count.
    if ((long) s.length() * 3 > maxValueBytes && utf8Length(s) > maxValueBytes) {
      throw new LimitExceededException(
          VALUE_BYTES, maxValueBytes, what + " of " + utf8Length(s) + " bytes");
    }
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /** A name for a message: at most 64 characters of it. */
  private static String clip(String s) {
    return "'" + (s.length() <= 64 ? s : s.substring(0, 64) + "…") + "'";
  }
}
