package io.headwatch.collector.prometheus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The OTLP→Prometheus name translation of the upstream collector's prometheus exporter (with
 * suffixes on): name tokens joined by '_', the unit spelled out and appended unless the name
 * already holds it, annotations like {token} dropped, "total" appended to monotonic sums by the
 * writer. Unit "1" becomes "_ratio" for gauges only, exactly as upstream does (its translator skips
 * counters and histograms, because some receivers misuse "1" for counts): the same series names
 * whichever path the data takes, so that one set of dashboards works on both.
 */
public final class PrometheusNames {
  /** How a metric is exposed; decides the suffixes. */
  public enum Kind {
    GAUGE,
    COUNTER,
    HISTOGRAM,
    SUMMARY
  }

  private static final Map<String, String> UNITS =
      Map.ofEntries(
          Map.entry("d", "days"),
          Map.entry("h", "hours"),
          Map.entry("min", "minutes"),
          Map.entry("s", "seconds"),
          Map.entry("ms", "milliseconds"),
          Map.entry("us", "microseconds"),
          Map.entry("ns", "nanoseconds"),
          Map.entry("By", "bytes"),
          Map.entry("KiBy", "kibibytes"),
          Map.entry("MiBy", "mebibytes"),
          Map.entry("GiBy", "gibibytes"),
          Map.entry("TiBy", "tibibytes"),
          Map.entry("KBy", "kilobytes"),
          Map.entry("MBy", "megabytes"),
          Map.entry("GBy", "gigabytes"),
          Map.entry("TBy", "terabytes"),
          Map.entry("m", "meters"),
          Map.entry("V", "volts"),
          Map.entry("A", "amperes"),
          Map.entry("J", "joules"),
          Map.entry("W", "watts"),
          Map.entry("g", "grams"),
          Map.entry("Cel", "celsius"),
          Map.entry("Hz", "hertz"),
          Map.entry("%", "percent"),
          Map.entry("1", ""));
  private static final Map<String, String> PER_UNITS =
      Map.of(
          "s", "second", "m", "minute", "h", "hour", "d", "day", "w", "week", "mo", "month", "y",
          "year");

  private PrometheusNames() {}

  /** The family name: for counters without the "_total" the writer adds to the sample name. */
  public static String metricName(String otelName, String unit, Kind kind) {
    List<String> tokens = tokens(otelName);
    String u = unit == null ? "" : unit.replaceAll("\\{[^}]*}", "").trim();
    if (!u.isEmpty()) {
      String[] parts = u.split("/", 2);
      String main = spelled(parts[0].trim(), UNITS);
      for (String t : tokens(main)) {
        if (!tokens.contains(t)) {
          tokens.add(t);
        }
      }
      if (parts.length == 2) {
        String per = spelled(parts[1].trim(), PER_UNITS);
        if (!per.isEmpty() && !tokens.contains(per)) {
          tokens.add("per");
          tokens.add(per);
        }
      }
    }
    if ("1".equals(u) && kind == Kind.GAUGE && !tokens.contains("ratio")) {
      tokens.add("ratio");
    }
    if (kind == Kind.COUNTER) {
      tokens.removeIf("total"::equals);
    }
    String name = String.join("_", tokens);
    if (name.isEmpty()) {
      return "_";
    }
    return Character.isDigit(name.charAt(0)) ? "_" + name : name;
  }

  /** An attribute key as a label name: invalid characters become '_'. */
  public static String labelName(String key) {
    String s = key.replaceAll("[^a-zA-Z0-9_]", "_");
    if (s.isEmpty()) {
      return "key_";
    }
    if (Character.isDigit(s.charAt(0))) {
      return "key_" + s;
    }
    if (s.startsWith("_") && !s.startsWith("__")) {
      return "key" + s;
    }
    return s;
  }

  private static String spelled(String unit, Map<String, String> table) {
    String v = table.get(unit);
    return v != null ? v : String.join("_", tokens(unit));
  }

  private static List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    for (String t : text.split("[^a-zA-Z0-9:]+")) {
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }
}
