package io.headwatch.collector.json;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.headwatch.collector.model.Attributes;
import io.headwatch.collector.model.HeadDeviation;
import io.headwatch.collector.model.Statistics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON forms of model values, shared by the API (which writes them) and the store (which keeps
 * them as JSON text and reads them back): one shape in both places.
 */
public final class ModelJson {
  private ModelJson() {}

  /** Scalars as they came; non-finite doubles as null. */
  public static JsonObject attributes(Attributes a) {
    JsonObject o = new JsonObject();
    a.values()
        .forEach(
            (k, v) -> {
              if (v instanceof String s) {
                o.addProperty(k, s);
              } else if (v instanceof Boolean b) {
                o.addProperty(k, b);
              } else if (v instanceof Long l) {
                o.addProperty(k, l);
              } else {
                o.add(k, JsonValues.number((Double) v));
              }
            });
    return o;
  }

  /**
   * Reads {@link #attributes(Attributes)} back: a number written with a fraction or exponent is a
   * double, others are longs; null is a non-finite double.
   */
  public static Attributes attributes(JsonObject o) {
    Map<String, Object> out = new TreeMap<>();
    for (Map.Entry<String, JsonElement> e : o.entrySet()) {
      JsonElement v = e.getValue();
      if (v.isJsonNull()) {
        out.put(e.getKey(), Double.NaN);
      } else if (v.isJsonPrimitive()) {
        JsonPrimitive p = v.getAsJsonPrimitive();
        if (p.isBoolean()) {
          out.put(e.getKey(), p.getAsBoolean());
        } else if (p.isString()) {
          out.put(e.getKey(), p.getAsString());
        } else {
          String text = p.getAsString();
          boolean integral =
              text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
          out.put(e.getKey(), integral ? (Object) p.getAsLong() : (Object) p.getAsDouble());
        }
      }
    }
    return Attributes.of(out);
  }

  /** Each deviation with its baseline numbers rounded to 7 significant digits. */
  public static JsonArray deviations(List<HeadDeviation> deviations) {
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

  public static List<HeadDeviation> deviations(JsonArray a) {
    List<HeadDeviation> out = new ArrayList<>(a.size());
    for (JsonElement e : a) {
      JsonObject o = e.getAsJsonObject();
      out.add(
          new HeadDeviation(
              o.get("layer").getAsInt(),
              o.get("head").getAsInt(),
              o.get("statistic").getAsString(),
              number(o.get("value")),
              number(o.get("median")),
              number(o.get("mad")),
              number(o.get("z"))));
    }
    return List.copyOf(out);
  }

  /** {"attention": {...}, "activation": {...}, "activation_site": ...}; NaN as null. */
  public static JsonObject statistics(Statistics s) {
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

  public static Statistics statistics(JsonObject o) {
    JsonElement site = o.get("activation_site");
    return new Statistics(
        arrays(o.getAsJsonObject("attention")),
        arrays(o.getAsJsonObject("activation")),
        site == null || site.isJsonNull() ? null : site.getAsString());
  }

  private static Map<String, double[]> arrays(JsonObject o) {
    Map<String, double[]> out = new LinkedHashMap<>();
    if (o != null) {
      for (Map.Entry<String, JsonElement> e : o.entrySet()) {
        JsonArray a = e.getValue().getAsJsonArray();
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = number(a.get(i));
        }
        out.put(e.getKey(), v);
      }
    }
    return out;
  }

  private static double number(JsonElement e) {
    return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
  }
}
