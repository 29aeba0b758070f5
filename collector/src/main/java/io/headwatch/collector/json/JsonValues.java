package io.headwatch.collector.json;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.math.MathContext;

/** JSON helpers for stored statistics: JSON has no NaN or infinity, so those become null. */
public final class JsonValues {
  private static final MathContext SEVEN_DIGITS = new MathContext(7);

  private JsonValues() {}

  public static JsonArray doubles(double[] values) {
    JsonArray a = new JsonArray(values.length);
    for (double v : values) {
      a.add(number(v));
    }
    return a;
  }

  public static JsonElement number(double v) {
    return Double.isFinite(v) ? new JsonPrimitive(v) : JsonNull.INSTANCE;
  }

  /**
   * A number computed from baseline windows, rounded to 7 significant digits: windows hold floats,
   * so further digits are noise (0.6108 would print as 0.61080002784729).
   */
  public static JsonElement baselineNumber(double v) {
    return Double.isFinite(v)
        ? new JsonPrimitive(new BigDecimal(v).round(SEVEN_DIGITS).doubleValue())
        : JsonNull.INSTANCE;
  }
}
