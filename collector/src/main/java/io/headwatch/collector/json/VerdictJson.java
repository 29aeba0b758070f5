package io.headwatch.collector.json;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.headwatch.collector.verdict.InputFact;
import io.headwatch.collector.verdict.InputVerdict;
import io.headwatch.collector.verdict.Kind;
import io.headwatch.collector.verdict.Site;
import io.headwatch.collector.verdict.Status;
import io.headwatch.collector.verdict.Suspect;
import io.headwatch.collector.verdict.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of a verdict (docs/api.md#verdict), written by the API and kept by the store. JSON
 * has no NaN or infinity: unknown numbers are null, and a suspect whose evidence is a non-finite
 * value says {@code "nonfinite": true} with null deviation and surprise.
 */
public final class VerdictJson {
  private VerdictJson() {}

  public static JsonObject write(Verdict v) {
    JsonObject o = new JsonObject();
    o.addProperty("status", v.status().apiName());
    o.addProperty("anomalous", v.anomalous());
    o.addProperty("kind", v.kind().apiName());
    o.add("score", JsonValues.baselineNumber(v.score()));
    o.add("tail_probability", JsonValues.baselineNumber(v.tailProbability()));
    o.add("threshold", JsonValues.number(v.threshold()));
    o.addProperty("baseline_predictions", v.baselinePredictions());
    JsonArray suspects = new JsonArray();
    for (Suspect s : v.suspects()) {
      JsonObject j = new JsonObject();
      j.addProperty("layer", s.layer());
      if (s.head() < 0) {
        j.add("head", JsonNull.INSTANCE);
      } else {
        j.addProperty("head", s.head());
      }
      j.addProperty("site", s.site().apiName());
      j.addProperty("statistic", s.statistic());
      j.add("value", JsonValues.baselineNumber(s.value()));
      j.add("expected", JsonValues.baselineNumber(s.expected()));
      j.add("deviation", JsonValues.baselineNumber(s.deviation()));
      j.add("surprise", JsonValues.baselineNumber(s.surprise()));
      j.addProperty("nonfinite", s.nonFinite());
      suspects.add(j);
    }
    o.add("suspects", suspects);
    if (v.input() == null) {
      o.add("input", JsonNull.INSTANCE);
    } else {
      JsonObject in = new JsonObject();
      in.addProperty("unusual", v.input().unusual());
      in.addProperty("comparable", v.input().comparable());
      JsonArray facts = new JsonArray();
      for (InputFact f : v.input().facts()) {
        JsonObject j = new JsonObject();
        j.addProperty("fact", f.name());
        j.add("value", JsonValues.baselineNumber(f.value()));
        j.add("expected", JsonValues.baselineNumber(f.expected()));
        j.add("tail_probability", JsonValues.baselineNumber(f.tailProbability()));
        j.addProperty("unusual", f.unusual());
        facts.add(j);
      }
      in.add("facts", facts);
      o.add("input", in);
    }
    return o;
  }

  /** Reads {@link #write} back; numbers are rounded to 7 significant digits. */
  public static Verdict read(JsonObject o) {
    List<Suspect> suspects = new ArrayList<>();
    for (JsonElement e : o.getAsJsonArray("suspects")) {
      JsonObject j = e.getAsJsonObject();
      boolean nonFinite = j.has("nonfinite") && j.get("nonfinite").getAsBoolean();
      suspects.add(
          new Suspect(
              j.get("layer").getAsInt(),
              j.get("head").isJsonNull() ? -1 : j.get("head").getAsInt(),
              site(j.get("site").getAsString()),
              j.get("statistic").getAsString(),
              number(j.get("value")),
              number(j.get("expected")),
              nonFinite ? Double.POSITIVE_INFINITY : number(j.get("deviation")),
              nonFinite ? Double.POSITIVE_INFINITY : number(j.get("surprise"))));
    }
    InputVerdict input = null;
    JsonElement in = o.get("input");
    if (in != null && !in.isJsonNull()) {
      JsonObject i = in.getAsJsonObject();
      List<InputFact> facts = new ArrayList<>();
      for (JsonElement e : i.getAsJsonArray("facts")) {
        JsonObject j = e.getAsJsonObject();
        facts.add(
            new InputFact(
                j.get("fact").getAsString(),
                number(j.get("value")),
                number(j.get("expected")),
                number(j.get("tail_probability")),
                j.get("unusual").getAsBoolean()));
      }
      input =
          new InputVerdict(
              i.get("unusual").getAsBoolean(), i.get("comparable").getAsBoolean(), facts);
    }
    return new Verdict(
        status(o.get("status").getAsString()),
        o.get("anomalous").getAsBoolean(),
        kind(o.get("kind").getAsString()),
        number(o.get("tail_probability")),
        number(o.get("score")),
        number(o.get("threshold")),
        o.get("baseline_predictions").getAsInt(),
        suspects,
        input);
  }

  private static double number(JsonElement e) {
    return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
  }

  private static Site site(String name) {
    for (Site s : Site.values()) {
      if (s.apiName().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown suspect site '" + name + "'");
  }

  private static Status status(String name) {
    for (Status s : Status.values()) {
      if (s.apiName().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown verdict status '" + name + "'");
  }

  private static Kind kind(String name) {
    for (Kind k : Kind.values()) {
      if (k.apiName().equals(name)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown verdict kind '" + name + "'");
  }
}
