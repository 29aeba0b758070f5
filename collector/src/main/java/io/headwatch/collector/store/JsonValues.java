package io.headwatch.collector.store;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonPrimitive;

/** JSON helpers for stored statistics: JSON has no NaN or infinity, so those become null. */
public final class JsonValues {
  private JsonValues() {}

  public static JsonArray doubles(double[] values) {
    JsonArray a = new JsonArray(values.length);
    for (double v : values) {
      a.add(number(v));
    }
    return a;
  }

  public static com.google.gson.JsonElement number(double v) {
    return Double.isFinite(v) ? new JsonPrimitive(v) : JsonNull.INSTANCE;
  }
}
