package io.headwatch.collector.ingest;

import com.google.protobuf.ByteString;
import io.headwatch.collector.model.AttentionStatistic;
import io.headwatch.collector.model.Snapshot;
import io.headwatch.collector.otlp.OtlpAttributes;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code headwatch.snapshot} log records (LogRecord.event_name, or the attribute {@code
 * event.name} older SDKs set). Records that are not snapshots are skipped; snapshots whose shape is
 * inconsistent (an array of the wrong length) are counted as invalid.
 */
public final class SnapshotParser {
  public static final String EVENT_NAME = "headwatch.snapshot";
  private static final List<String> ACTIVATION_STATS =
      List.of(
          "mean", "std", "abs_max", "nonfinite", "zero_fraction", "outlier_fraction", "massive");
  private static final Set<String> KNOWN =
      Set.of(
          "event.name",
          "gen_ai.request.model",
          "gen_ai.operation.name",
          "gen_ai.usage.input_tokens",
          "headwatch.batch.index",
          "headwatch.layers",
          "headwatch.heads",
          "headwatch.activation.site");

  private SnapshotParser() {}

  /** Snapshots and the count of snapshot records that were rejected as invalid. */
  public record Result(List<Snapshot> snapshots, int invalid) {}

  public static Result snapshots(ExportLogsServiceRequest request) {
    List<Snapshot> out = new ArrayList<>();
    int invalid = 0;
    for (ResourceLogs rl : request.getResourceLogsList()) {
      OtlpAttributes resource = OtlpAttributes.of(rl.getResource());
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord log : sl.getLogRecordsList()) {
          if (!isSnapshot(log)) {
            continue;
          }
          OtlpAttributes a = OtlpAttributes.of(log.getAttributesList());
          Snapshot s = parse(log, a, resource);
          if (s == null) {
            invalid++;
          } else {
            out.add(s);
          }
        }
      }
    }
    return new Result(out, invalid);
  }

  /** A headwatch.snapshot record: by LogRecord.event_name, or the event.name attribute. */
  static boolean isSnapshot(LogRecord log) {
    if (EVENT_NAME.equals(log.getEventName())) {
      return true;
    }
    for (KeyValue kv : log.getAttributesList()) {
      if (kv.getKey().equals("event.name") && EVENT_NAME.equals(kv.getValue().getStringValue())) {
        return true;
      }
    }
    return false;
  }

  private static Snapshot parse(LogRecord log, OtlpAttributes a, OtlpAttributes resource) {
    String model = a.string("gen_ai.request.model");
    Long layers = a.longValue("headwatch.layers");
    Long heads = a.longValue("headwatch.heads");
    // heads is 0 when the agent captured activations but no attention.
    if (model == null
        || layers == null
        || heads == null
        || layers <= 0
        || heads < 0
        || layers * heads > 1_000_000
        || log.getTraceId().size() != 16
        || log.getSpanId().size() != 8) {
      return null;
    }
    int cells = (int) (layers * heads);
    Map<String, double[]> attention = new LinkedHashMap<>();
    for (AttentionStatistic stat : AttentionStatistic.ALL) {
      double[] v = a.doubles(stat.attribute());
      if (v != null) {
        if (v.length != cells) {
          return null;
        }
        attention.put(stat.shortName(), v);
      }
    }
    Map<String, double[]> activation = new LinkedHashMap<>();
    for (String stat : ACTIVATION_STATS) {
      double[] v = a.doubles("headwatch.activation." + stat);
      if (v != null) {
        if (v.length != layers) {
          return null;
        }
        activation.put(stat, v);
      }
    }
    Snapshot.AttentionMaps maps = null;
    ByteString mapBytes = a.bytes("headwatch.attention.maps");
    double[] mapDoubles = a.doubles("headwatch.attention.maps");
    if (mapBytes != null || mapDoubles != null) {
      maps =
          new Snapshot.AttentionMaps(mapBytes == null ? null : mapBytes.toByteArray(), mapDoubles);
    }
    long time = log.getTimeUnixNano() != 0 ? log.getTimeUnixNano() : log.getObservedTimeUnixNano();
    Long batchIndex = a.longValue("headwatch.batch.index");
    return new Snapshot(
        OtlpAttributes.hex(log.getTraceId()),
        OtlpAttributes.hex(log.getSpanId()),
        time,
        resource.string("service.name"),
        resource.string("service.instance.id"),
        model,
        a.string("gen_ai.operation.name"),
        a.longValue("gen_ai.usage.input_tokens"),
        batchIndex == null ? 0 : batchIndex.intValue(),
        layers.intValue(),
        heads.intValue(),
        attention,
        activation,
        a.string("headwatch.activation.site"),
        maps,
        a.strings("headwatch.tokens"),
        a.scalars(KNOWN));
  }
}
