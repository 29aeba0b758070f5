package io.headwatch.collector.store;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.headwatch.collector.baseline.BaselineTracker;
import io.headwatch.collector.baseline.HeadDeviation;
import io.headwatch.collector.ingest.Snapshot;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How snapshot payloads are stored: statistics and deviations as JSON, maps as bytes. */
final class StoredPayloads {
  private StoredPayloads() {}

  static JsonObject statisticsJson(Snapshot s) {
    JsonObject attention = new JsonObject();
    s.attention().forEach((k, v) -> attention.add(k, JsonValues.doubles(v)));
    JsonObject activation = new JsonObject();
    s.activation().forEach((k, v) -> activation.add(k, JsonValues.doubles(v)));
    JsonObject o = new JsonObject();
    o.add("attention", attention);
    o.add("activation", activation);
    if (s.activationSite() != null) {
      o.addProperty("activation_site", s.activationSite());
    }
    return o;
  }

  static JsonArray deviationsJson(List<HeadDeviation> deviations) {
    JsonArray a = new JsonArray();
    for (HeadDeviation d : deviations) {
      JsonObject o = new JsonObject();
      o.addProperty("layer", d.layer());
      o.addProperty("head", d.head());
      o.addProperty("statistic", d.statistic());
      o.add("value", JsonValues.number(d.value()));
      o.add("median", JsonValues.baselineNumber(d.median()));
      o.add("mad", JsonValues.baselineNumber(d.mad()));
      o.add("z", JsonValues.baselineNumber(d.z()));
      a.add(o);
    }
    return a;
  }

  static JsonArray mergeTop(JsonArray a, JsonArray b) {
    List<JsonObject> all = new ArrayList<>();
    a.forEach(e -> all.add(e.getAsJsonObject()));
    b.forEach(e -> all.add(e.getAsJsonObject()));
    all.sort(Comparator.comparingDouble((JsonObject o) -> o.get("z").getAsDouble()).reversed());
    Map<String, JsonObject> byHead = new LinkedHashMap<>();
    for (JsonObject o : all) {
      byHead.putIfAbsent(o.get("layer").getAsInt() + "/" + o.get("head").getAsInt(), o);
    }
    JsonArray out = new JsonArray();
    byHead.values().stream().limit(BaselineTracker.TOP_HEADS).forEach(out::add);
    return out;
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

  static String tokensJson(List<String> tokens) {
    JsonArray a = new JsonArray();
    tokens.forEach(a::add);
    return a.toString();
  }

  static List<String> parseTokens(String json) {
    List<String> out = new ArrayList<>();
    JsonParser.parseString(json).getAsJsonArray().forEach(e -> out.add(e.getAsString()));
    return out;
  }
}
