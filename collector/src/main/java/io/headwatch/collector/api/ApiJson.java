package io.headwatch.collector.api;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.headwatch.collector.baseline.HeadBaseline;
import io.headwatch.collector.baseline.HeadValues;
import io.headwatch.collector.comparison.FeedbackComparison;
import io.headwatch.collector.comparison.StratifiedRankTest;
import io.headwatch.collector.json.JsonValues;
import io.headwatch.collector.json.ModelJson;
import io.headwatch.collector.json.VerdictJson;
import io.headwatch.collector.model.AttentionMap;
import io.headwatch.collector.model.Feedback;
import io.headwatch.collector.store.AttentionMapInfo;
import io.headwatch.collector.store.ModelSummary;
import io.headwatch.collector.store.PredictionDetail;
import io.headwatch.collector.store.PredictionSummary;
import io.headwatch.collector.store.StoredSnapshot;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/** The API's JSON shapes (documented in docs/api.md). */
final class ApiJson {
  private static final Gson GSON = new GsonBuilder().serializeNulls().create();

  private ApiJson() {}

  static String write(JsonElement e) {
    return GSON.toJson(e);
  }

  static JsonObject error(String parameter, String message) {
    JsonObject o = new JsonObject();
    o.addProperty("error", message);
    if (parameter != null) {
      o.addProperty("parameter", parameter);
    }
    return o;
  }

  static JsonObject model(ModelSummary m, int baselineSnapshots, int verdictBaseline) {
    JsonObject o = new JsonObject();
    o.addProperty("name", m.model());
    JsonArray services = new JsonArray();
    m.services().forEach(services::add);
    o.add("services", services);
    o.addProperty("last_seen", time(m.lastSeenNanos()));
    o.addProperty("last_seen_unix_nano", m.lastSeenNanos());
    o.addProperty("layers", m.layers());
    o.addProperty("heads", m.heads());
    o.addProperty("predictions", m.predictions());
    o.addProperty("baseline_snapshots", baselineSnapshots);
    o.addProperty("verdict_baseline_predictions", verdictBaseline);
    return o;
  }

  static JsonObject head(HeadBaseline h) {
    JsonObject o = new JsonObject();
    o.addProperty("layer", h.layer());
    o.addProperty("head", h.head());
    o.addProperty("statistic", h.statistic());
    o.add("median_now", JsonValues.baselineNumber(h.recentMedian()));
    o.addProperty("recent_count", h.recentCount());
    o.add("baseline_median", JsonValues.baselineNumber(h.baselineMedian()));
    o.add("baseline_mad", JsonValues.baselineNumber(h.baselineMad()));
    o.addProperty("baseline_count", h.baselineCount());
    o.add("z", JsonValues.baselineNumber(h.z()));
    return o;
  }

  /**
   * One head's values as distributions, per statistic: quantiles of now and of the baseline, and
   * both as histograms over shared bins.
   */
  static JsonObject headValues(
      String model, int layer, int head, int window, double nowSeconds, List<HeadValues> values) {
    JsonObject o = new JsonObject();
    o.addProperty("model", model);
    o.addProperty("layer", layer);
    o.addProperty("head", head);
    o.addProperty("window", window);
    o.addProperty("now_seconds", nowSeconds);
    JsonArray stats = new JsonArray();
    for (HeadValues v : values) {
      JsonObject st = new JsonObject();
      st.addProperty("statistic", v.statistic());
      st.add("recent", quantiles(v.recent()));
      st.add("baseline", quantiles(v.baseline()));
      double[] edges = Distributions.edges(v.recent(), v.baseline());
      JsonObject hist = new JsonObject();
      JsonArray e = new JsonArray();
      for (double d : edges) {
        e.add(JsonValues.baselineNumber(d));
      }
      hist.add("edges", e);
      hist.add("recent", ints(Distributions.counts(v.recent(), edges)));
      hist.add("baseline", ints(Distributions.counts(v.baseline(), edges)));
      st.add("histogram", hist);
      stats.add(st);
    }
    o.add("statistics", stats);
    return o;
  }

  private static JsonObject quantiles(float[] values) {
    float[] sorted = Distributions.sorted(values);
    JsonObject o = new JsonObject();
    o.addProperty("count", sorted.length);
    o.add("min", JsonValues.baselineNumber(sorted.length == 0 ? Double.NaN : sorted[0]));
    for (double q : Distributions.QUANTILES) {
      o.add(
          "p" + Math.round(q * 100), JsonValues.baselineNumber(Distributions.quantile(sorted, q)));
    }
    o.add(
        "max",
        JsonValues.baselineNumber(sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]));
    return o;
  }

  private static JsonArray ints(int[] values) {
    JsonArray a = new JsonArray();
    for (int v : values) {
      a.add(v);
    }
    return a;
  }

  static JsonObject summary(PredictionSummary p) {
    JsonObject o = new JsonObject();
    o.addProperty("id", p.id());
    o.addProperty("trace_id", p.traceId());
    o.addProperty("span_id", p.spanId());
    o.addProperty("time", time(p.timeNanos()));
    o.addProperty("time_unix_nano", p.timeNanos());
    o.addProperty("service", p.service());
    o.addProperty("instance", p.instance());
    o.addProperty("model", p.model());
    o.addProperty("operation", p.operation());
    o.addProperty("name", p.name());
    o.addProperty("input_tokens", p.inputTokens());
    o.add(
        "duration_seconds",
        p.durationNanos() == null ? JsonNull.INSTANCE : JsonValues.number(p.durationNanos() / 1e9));
    o.addProperty("batch_size", p.batchSize());
    o.addProperty("sampled", p.sampled());
    o.addProperty("layers", p.layers());
    o.addProperty("heads", p.heads());
    o.addProperty("has_span", p.hasSpan());
    o.addProperty("snapshot_count", p.snapshots());
    o.add(
        "max_deviation",
        p.maxDeviation() == null ? JsonNull.INSTANCE : JsonValues.baselineNumber(p.maxDeviation()));
    o.add("top_heads", ModelJson.deviations(p.topDeviations()));
    o.addProperty("status", p.status());
    o.add("attributes", ModelJson.attributes(p.attributes()));
    o.add("verdict", p.verdict() == null ? JsonNull.INSTANCE : VerdictJson.write(p.verdict()));
    o.add("feedback", p.feedback() == null ? JsonNull.INSTANCE : feedback(p.feedback()));
    return o;
  }

  /** A prediction's wrong/right label. */
  static JsonObject feedback(Feedback f) {
    JsonObject o = new JsonObject();
    o.addProperty("label", f.label().apiName());
    o.addProperty("note", f.note());
    o.addProperty("by", f.by());
    o.addProperty("source", f.source());
    o.addProperty("time", Instant.ofEpochMilli(f.receivedMillis()).toString());
    o.addProperty("time_unix_nano", f.receivedMillis() * 1_000_000L);
    return o;
  }

  /** GET /api/models/{model}/comparison. */
  static JsonObject comparison(
      String model, FeedbackComparison.Report r, int maxPredictions, int limit, int evidence) {
    JsonObject o = new JsonObject();
    o.addProperty("model", model);
    o.addProperty("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
    JsonObject labelled = new JsonObject();
    labelled.addProperty("wrong", r.wrong());
    labelled.addProperty("right", r.right());
    o.add("labelled", labelled);
    o.addProperty("min_per_group", FeedbackComparison.MIN_PER_GROUP);
    o.addProperty("max_predictions", maxPredictions);
    o.addProperty("method", "van Elteren stratified rank-sum test by input-length stratum");
    o.addProperty("correction", "benjamini-hochberg");
    o.addProperty("alpha", FeedbackComparison.ALPHA);
    JsonArray strata = new JsonArray();
    for (FeedbackComparison.StratumCount s : r.strata()) {
      JsonObject so = new JsonObject();
      so.add(
          "tokens_from", s.stratum() < 0 ? JsonNull.INSTANCE : new JsonPrimitive(s.fromTokens()));
      so.add("tokens_to", s.stratum() < 0 ? JsonNull.INSTANCE : new JsonPrimitive(s.toTokens()));
      so.addProperty("wrong", s.wrong());
      so.addProperty("right", s.right());
      strata.add(so);
    }
    o.add("strata", strata);
    o.addProperty("tested", r.entries().size());
    o.addProperty("untested", r.untested());
    o.addProperty("significant", r.significant());
    JsonArray entries = new JsonArray();
    JsonArray evidenceOut = new JsonArray();
    for (int i = 0; i < r.entries().size() && i < limit; i++) {
      FeedbackComparison.Entry e = r.entries().get(i);
      JsonObject eo = feature(e.feature());
      eo.addProperty("rank", i + 1);
      StratifiedRankTest.Result t = e.test();
      eo.add("auc", JsonValues.baselineNumber(t.auc()));
      eo.add("auc_low", JsonValues.baselineNumber(t.aucLow()));
      eo.add("auc_high", JsonValues.baselineNumber(t.aucHigh()));
      eo.add("cliffs_delta", JsonValues.baselineNumber(t.delta()));
      eo.add("delta_low", JsonValues.baselineNumber(t.deltaLow()));
      eo.add("delta_high", JsonValues.baselineNumber(t.deltaHigh()));
      eo.add("z", JsonValues.baselineNumber(t.z()));
      eo.add("p_value", JsonValues.baselineNumber(t.p()));
      eo.add("q_value", JsonValues.baselineNumber(e.q()));
      eo.addProperty("significant", e.significant());
      eo.addProperty("wrong_count", t.wrongCount());
      eo.addProperty("right_count", t.rightCount());
      eo.add("wrong_median", JsonValues.baselineNumber(median(e.wrongValues())));
      eo.add("right_median", JsonValues.baselineNumber(median(e.rightValues())));
      entries.add(eo);
      if (i < evidence) {
        JsonObject ev = feature(e.feature());
        float[] w = floats(e.wrongValues());
        float[] rt = floats(e.rightValues());
        ev.add("wrong", quantiles(w));
        ev.add("right", quantiles(rt));
        double[] edges = Distributions.edges(w, rt);
        JsonObject hist = new JsonObject();
        JsonArray ea = new JsonArray();
        for (double d : edges) {
          ea.add(JsonValues.baselineNumber(d));
        }
        hist.add("edges", ea);
        hist.add("wrong", ints(Distributions.counts(w, edges)));
        hist.add("right", ints(Distributions.counts(rt, edges)));
        ev.add("histogram", hist);
        evidenceOut.add(ev);
      }
    }
    o.add("entries", entries);
    o.add("evidence", evidenceOut);
    String m = java.net.URLEncoder.encode(model, java.nio.charset.StandardCharsets.UTF_8);
    JsonObject links = new JsonObject();
    links.addProperty("wrong", "/api/predictions?model=" + m + "&feedback=wrong&order=time");
    links.addProperty("right", "/api/predictions?model=" + m + "&feedback=right&order=time");
    links.addProperty("wrong_page", "/predictions?model=" + m + "&feedback=wrong&order=time");
    links.addProperty("right_page", "/predictions?model=" + m + "&feedback=right&order=time");
    o.add("predictions", links);
    return o;
  }

  private static JsonObject feature(FeedbackComparison.Feature f) {
    JsonObject o = new JsonObject();
    o.addProperty("site", f.site());
    o.addProperty("layer", f.layer());
    o.addProperty("head", f.head());
    o.addProperty("statistic", f.statistic());
    return o;
  }

  private static float[] floats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  private static double median(double[] v) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static JsonObject detail(PredictionDetail d) {
    JsonObject o = summary(d.summary());
    JsonArray snapshots = new JsonArray();
    for (StoredSnapshot s : d.snapshots()) {
      snapshots.add(snapshot(s));
    }
    o.add("snapshots", snapshots);
    JsonArray maps = new JsonArray();
    for (AttentionMapInfo m : d.attentionMaps()) {
      JsonObject map = new JsonObject();
      map.addProperty("batch_index", m.batchIndex());
      map.addProperty("tokens", m.tokens());
      map.addProperty("encoding", m.encoding());
      map.add("top_k", m.topK() > 0 ? new JsonPrimitive(m.topK()) : JsonNull.INSTANCE);
      map.addProperty("reason", m.reason());
      map.addProperty("bytes", m.bytes());
      maps.add(map);
    }
    o.add("maps", maps);
    JsonArray same = new JsonArray();
    d.sameTraceIds().forEach(same::add);
    o.add("trace_prediction_ids", same);
    return o;
  }

  /**
   * One head of a stored attention map: its weights [query][key], rounded to 4 decimals (they
   * travel as bytes, to 1/255), and a label per token: the map's own token texts, else the
   * snapshot's when they are as many, else null (the page then shows positions).
   */
  static JsonObject attention(PredictionDetail d, AttentionMap m, int layer, int head) {
    JsonObject o = new JsonObject();
    o.addProperty("id", d.summary().id());
    o.addProperty("trace_id", m.traceId());
    o.addProperty("span_id", m.spanId());
    o.addProperty("model", m.model());
    o.addProperty("batch_index", m.batchIndex());
    o.addProperty("time", time(m.timeNanos()));
    o.addProperty("layers", m.layers());
    o.addProperty("heads", m.heads());
    o.addProperty("layer", layer);
    o.addProperty("head", head);
    o.addProperty("tokens", m.tokens());
    o.addProperty("encoding", m.encoding().value());
    o.add("top_k", m.topK() > 0 ? new JsonPrimitive(m.topK()) : JsonNull.INSTANCE);
    o.addProperty("reason", m.reason());
    List<String> labels = m.tokenTexts();
    if (labels == null) {
      for (StoredSnapshot s : d.snapshots()) {
        if (s.batchIndex() == m.batchIndex()
            && s.tokens() != null
            && s.tokens().size() == m.tokens()) {
          labels = s.tokens();
        }
      }
    }
    if (labels == null) {
      o.add("token_labels", JsonNull.INSTANCE);
    } else {
      JsonArray a = new JsonArray();
      labels.forEach(a::add);
      o.add("token_labels", a);
    }
    JsonArray rows = new JsonArray();
    for (float[] row : m.head(layer, head)) {
      JsonArray r = new JsonArray();
      for (float w : row) {
        r.add(Math.round(w * 10000) / 10000.0);
      }
      rows.add(r);
    }
    o.add("weights", rows);
    return o;
  }

  private static JsonObject snapshot(StoredSnapshot s) {
    JsonObject o = new JsonObject();
    o.addProperty("batch_index", s.batchIndex());
    o.addProperty("time", time(s.timeNanos()));
    o.addProperty("input_tokens", s.inputTokens());
    o.addProperty("layers", s.layers());
    o.addProperty("heads", s.heads());
    o.add("statistics", ModelJson.statistics(s.statistics()));
    o.add("deviations", ModelJson.deviations(s.deviations()));
    JsonElement maps = JsonNull.INSTANCE;
    if (s.attentionMapBytes() != null) {
      JsonObject m = new JsonObject();
      m.addProperty("encoding", "base64");
      m.addProperty("data", Base64.getEncoder().encodeToString(s.attentionMapBytes()));
      maps = m;
    } else if (s.attentionMapDoubles() != null) {
      JsonObject m = new JsonObject();
      m.addProperty("encoding", "doubles");
      m.add("data", JsonValues.doubles(s.attentionMapDoubles()));
      maps = m;
    }
    o.add("attention_maps", maps);
    if (s.tokens() == null) {
      o.add("tokens", JsonNull.INSTANCE);
    } else {
      JsonArray t = new JsonArray();
      s.tokens().forEach(t::add);
      o.add("tokens", t);
    }
    o.add("attributes", ModelJson.attributes(s.attributes()));
    return o;
  }

  static JsonArray array(List<JsonObject> items) {
    JsonArray a = new JsonArray();
    items.forEach(a::add);
    return a;
  }

  private static String time(long nanos) {
    return Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L).toString();
  }
}
