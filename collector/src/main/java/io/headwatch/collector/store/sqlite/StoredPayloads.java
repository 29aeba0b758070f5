package io.headwatch.collector.store.sqlite;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import io.headwatch.collector.json.ModelJson;
import io.headwatch.collector.json.VerdictJson;
import io.headwatch.collector.model.Attributes;
import io.headwatch.collector.model.HeadDeviation;
import io.headwatch.collector.model.Snapshot;
import io.headwatch.collector.model.Statistics;
import io.headwatch.collector.verdict.Verdict;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * How snapshot payloads are kept in columns: statistics, deviations, attributes and tokens as JSON
 * text, attention maps as bytes. The only place the store reads or writes JSON.
 */
final class StoredPayloads {
  private StoredPayloads() {}

  static String statistics(Snapshot s) {
    return ModelJson.statistics(new Statistics(s.attention(), s.activation(), s.activationSite()))
        .toString();
  }

  static Statistics statistics(String json) {
    return ModelJson.statistics(JsonParser.parseString(json).getAsJsonObject());
  }

  static String deviations(List<HeadDeviation> deviations) {
    return ModelJson.deviations(deviations).toString();
  }

  static List<HeadDeviation> deviations(String json) {
    return json == null
        ? List.of()
        : ModelJson.deviations(JsonParser.parseString(json).getAsJsonArray());
  }

  static String attributes(Attributes a) {
    return ModelJson.attributes(a).toString();
  }

  static Attributes attributes(String json) {
    return json == null
        ? Attributes.empty()
        : ModelJson.attributes(JsonParser.parseString(json).getAsJsonObject());
  }

  static String verdict(Verdict v) {
    return VerdictJson.write(v).toString();
  }

  static Verdict verdict(String json) {
    return json == null ? null : VerdictJson.read(JsonParser.parseString(json).getAsJsonObject());
  }

  static byte[] mapsBytes(Snapshot.AttentionMaps maps) {
    if (maps == null) {
      return null;
    }
    if (maps.bytes() != null) {
      return maps.bytes();
    }
    ByteBuffer buf = ByteBuffer.allocate(maps.doubles().length * Double.BYTES);
    for (double d : maps.doubles()) {
      buf.putDouble(d);
    }
    return buf.array();
  }

  static double[] toDoubles(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    double[] out = new double[bytes.length / Double.BYTES];
    for (int i = 0; i < out.length; i++) {
      out[i] = buf.getDouble();
    }
    return out;
  }

  static String tokens(List<String> tokens) {
    JsonArray a = new JsonArray();
    tokens.forEach(a::add);
    return a.toString();
  }

  static List<String> tokens(String json) {
    List<String> out = new ArrayList<>();
    JsonParser.parseString(json).getAsJsonArray().forEach(e -> out.add(e.getAsString()));
    return out;
  }
}
