package io.headwatch.collector.otlp;

import com.google.protobuf.ByteString;
import io.headwatch.collector.model.Attributes;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Typed look-ups over an OTLP attribute list; absent or mistyped values read as null. */
public final class OtlpAttributes {
  private final Map<String, AnyValue> values;

  private OtlpAttributes(Map<String, AnyValue> values) {
    this.values = values;
  }

  /** Indexes the attributes by key (the last one wins on duplicates). */
  public static OtlpAttributes of(List<KeyValue> attributes) {
    Map<String, AnyValue> m = new HashMap<>();
    for (KeyValue kv : attributes) {
      m.put(kv.getKey(), kv.getValue());
    }
    return new OtlpAttributes(m);
  }

  /** The resource's attributes. */
  public static OtlpAttributes of(Resource resource) {
    return of(resource.getAttributesList());
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  public String string(String key) {
    AnyValue v = values.get(key);
    return v != null && v.hasStringValue() ? v.getStringValue() : null;
  }

  /** A long, also accepting a double with an integral value (some JSON encoders send those). */
  public Long longValue(String key) {
    AnyValue v = values.get(key);
    if (v == null) {
      return null;
    }
    if (v.hasIntValue()) {
      return v.getIntValue();
    }
    if (v.hasDoubleValue() && v.getDoubleValue() == Math.rint(v.getDoubleValue())) {
      return (long) v.getDoubleValue();
    }
    return null;
  }

  public Boolean bool(String key) {
    AnyValue v = values.get(key);
    return v != null && v.hasBoolValue() ? v.getBoolValue() : null;
  }

  /** An array of numbers (doubles or longs) as doubles, or null. */
  public double[] doubles(String key) {
    AnyValue v = values.get(key);
    if (v == null || !v.hasArrayValue()) {
      return null;
    }
    List<AnyValue> items = v.getArrayValue().getValuesList();
    double[] out = new double[items.size()];
    for (int i = 0; i < out.length; i++) {
      AnyValue item = items.get(i);
      if (item.hasDoubleValue()) {
        out[i] = item.getDoubleValue();
      } else if (item.hasIntValue()) {
        out[i] = item.getIntValue();
      } else {
        return null;
      }
    }
    return out;
  }

  /** An array of strings, or null. */
  public List<String> strings(String key) {
    AnyValue v = values.get(key);
    if (v == null || !v.hasArrayValue()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (AnyValue item : v.getArrayValue().getValuesList()) {
      out.add(item.hasStringValue() ? item.getStringValue() : "");
    }
    return out;
  }

  public ByteString bytes(String key) {
    AnyValue v = values.get(key);
    return v != null && v.hasBytesValue() ? v.getBytesValue() : null;
  }

  /**
   * The string, boolean, integer and double attributes not in {@code known}; arrays, maps and bytes
   * are left out (the parsers read the ones they know).
   */
  public Attributes scalars(Set<String> known) {
    Map<String, Object> out = new TreeMap<>();
    for (Map.Entry<String, AnyValue> e : values.entrySet()) {
      if (known.contains(e.getKey())) {
        continue;
      }
      AnyValue v = e.getValue();
      switch (v.getValueCase()) {
        case STRING_VALUE -> out.put(e.getKey(), v.getStringValue());
        case BOOL_VALUE -> out.put(e.getKey(), v.getBoolValue());
        case INT_VALUE -> out.put(e.getKey(), v.getIntValue());
        case DOUBLE_VALUE -> out.put(e.getKey(), v.getDoubleValue());
        default -> {
          // arrays, maps, bytes
        }
      }
    }
    return Attributes.of(out);
  }

  /** Lower-case hex of an OTLP id; empty for an absent id. */
  public static String hex(ByteString id) {
    return HexFormat.of().formatHex(id.toByteArray());
  }
}
