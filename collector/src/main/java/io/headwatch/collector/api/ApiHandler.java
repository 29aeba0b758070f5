package io.headwatch.collector.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.headwatch.collector.baseline.BaselineTracker;
import io.headwatch.collector.baseline.HeadBaseline;
import io.headwatch.collector.baseline.HeadValues;
import io.headwatch.collector.comparison.FeedbackComparison;
import io.headwatch.collector.http.BearerAuth;
import io.headwatch.collector.model.AttentionMap;
import io.headwatch.collector.model.Feedback;
import io.headwatch.collector.store.FeedbackOutcome;
import io.headwatch.collector.store.ModelSummary;
import io.headwatch.collector.store.PredictionDetail;
import io.headwatch.collector.store.PredictionQuery;
import io.headwatch.collector.store.PredictionStore;
import io.headwatch.collector.store.PredictionSummary;
import io.headwatch.collector.store.StoreException;
import io.headwatch.collector.store.WriteBatch;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API port: GET /metrics (Prometheus text format 0.0.4) and the JSON REST API under /api
 * (see docs/api.md).
 */
public final class ApiHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
  private static final String JSON = "application/json";
  private static final Pattern ID = Pattern.compile("[0-9]{1,18}");
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-fA-F]{32}");
  private static final String MODELS = "/api/models";
  private static final String PREDICTIONS = "/api/predictions";
  private static final String ATTENTION = "/attention";
  private static final String FEEDBACK = "/feedback";
  private static final String BULK_FEEDBACK = "/api/feedback";
  private static final String COMPARISON = "/comparison";

  /** Labelled predictions a comparison reads at most (the most recently labelled). */
  static final int COMPARISON_MAX_PREDICTIONS = 2000;

  /** Entries of a comparison whose distributions are included. */
  static final int COMPARISON_EVIDENCE = 5;

  /**
   * Largest map served as n x n weights: 512² numbers are about 2 MB of JSON and 10 MB of heap
   * while written; larger maps would need a sparse form.
   */
  static final int MAX_DENSE_TOKENS = 512;

  private static final Pattern ONE_HEAD =
      Pattern.compile("/api/models/([^/]+)/heads/([0-9]{1,6})/([0-9]{1,6})");

  private static final String LIVE = "/health/live";
  private static final String READY = "/health/ready";

  private final CollectorRegistry registry;
  private final PredictionStore store;
  private final BaselineTracker baselines;
  private final int baselineWindow;
  private final LongSupplier nowMillis;
  private final ToIntFunction<String> verdictBaseline;
  private final BearerAuth auth;
  private final Supplier<List<String>> readinessProblems;
  private final Consumer<FeedbackOutcome> onFeedback;

  /** Comparisons computed at once at most: each holds up to a few tens of MB while it runs. */
  private final Semaphore comparisons = new Semaphore(2);

  /**
   * @param verdictBaseline clean predictions in a model's verdict baseline
   * @param apiToken empty: no check; otherwise every request but /health/* must carry it
   * @param readinessProblems what keeps the collector from being ready; empty when ready
   * @param onFeedback told of each feedback write the store applied (for the metrics)
   */
  public ApiHandler(
      CollectorRegistry registry,
      PredictionStore store,
      BaselineTracker baselines,
      int baselineWindow,
      LongSupplier nowMillis,
      ToIntFunction<String> verdictBaseline,
      String apiToken,
      Supplier<List<String>> readinessProblems,
      Consumer<FeedbackOutcome> onFeedback) {
    this.onFeedback = onFeedback;
    this.registry = registry;
    this.store = store;
    this.baselines = baselines;
    this.baselineWindow = baselineWindow;
    this.nowMillis = nowMillis;
    this.verdictBaseline = verdictBaseline;
    this.auth = new BearerAuth(apiToken);
    this.readinessProblems = readinessProblems;
  }

  /** The API's error body for errors the HTTP server produces itself. */
  public static String errorBody(int status, String message) {
    return ApiJson.write(ApiJson.error(null, message));
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    // The raw path, so that a model name with an encoded '/' stays one path segment.
    String path = request.getHttpURI().getPath();
    boolean feedbackPath =
        BULK_FEEDBACK.equals(path)
            || (path.startsWith(PREDICTIONS + "/") && path.endsWith(FEEDBACK));
    boolean post = "POST".equals(request.getMethod());
    if (feedbackPath != post
        || (!post && !"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod()))) {
      String allowed = feedbackPath ? "POST" : "GET";
      response.getHeaders().put(HttpHeader.ALLOW, allowed);
      return json(response, callback, 405, ApiJson.error(null, "use " + allowed));
    }
    // Probes need no token: they tell nothing but "up" and "ready".
    if (LIVE.equals(path)) {
      JsonObject o = new JsonObject();
      o.addProperty("status", "live");
      return json(response, callback, 200, o);
    }
    if (READY.equals(path)) {
      return ready(response, callback);
    }
    if (!auth.allows(request)) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, BearerAuth.challenge());
      return json(
          response,
          callback,
          401,
          ApiJson.error(
              null, "missing or wrong bearer token; send Authorization: Bearer <api-token>"));
    }
    try {
      if ("/metrics".equals(path)) {
        return metrics(response, callback);
      }
      if (post) {
        return feedback(path, request, response, callback);
      }
      if (path.startsWith(MODELS + "/") && path.endsWith(COMPARISON)) {
        String model =
            decode(path.substring(MODELS.length() + 1, path.length() - COMPARISON.length()));
        return comparison(model, Request.extractQueryParameters(request), response, callback);
      }
      if (MODELS.equals(path)) {
        return models(response, callback);
      }
      Matcher one = ONE_HEAD.matcher(path);
      if (one.matches()) {
        return headValues(
            decode(one.group(1)),
            Integer.parseInt(one.group(2)),
            Integer.parseInt(one.group(3)),
            response,
            callback);
      }
      if (path.startsWith(MODELS + "/") && path.endsWith("/heads")) {
        String model =
            decode(path.substring(MODELS.length() + 1, path.length() - "/heads".length()));
        return heads(model, response, callback);
      }
      if (PREDICTIONS.equals(path)) {
        return predictions(Request.extractQueryParameters(request), response, callback);
      }
      if (path.startsWith(PREDICTIONS + "/") && path.endsWith(ATTENTION)) {
        String key =
            decode(path.substring(PREDICTIONS.length() + 1, path.length() - ATTENTION.length()));
        return attention(key, Request.extractQueryParameters(request), response, callback);
      }
      if (path.startsWith(PREDICTIONS + "/")) {
        return prediction(decode(path.substring(PREDICTIONS.length() + 1)), response, callback);
      }
      return json(response, callback, 404, ApiJson.error(null, "no such endpoint: " + path));
    } catch (BadParameterException e) {
      return json(response, callback, 400, ApiJson.error(e.parameter(), e.getMessage()));
    } catch (StoreException | IOException | RuntimeException e) {
      LOG.warn("API request {} failed", path, e);
      return json(response, callback, 500, ApiJson.error(null, "internal error: " + e));
    }
  }

  /** POST /api/predictions/{key}/feedback and POST /api/feedback. */
  private boolean feedback(String path, Request request, Response response, Callback callback)
      throws BadParameterException, StoreException, IOException {
    String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.equals(JSON)) {
      // Also what keeps a cross-site HTML form (which cannot send this type) from labelling.
      return json(
          response,
          callback,
          415,
          ApiJson.error(
              "Content-Type",
              "expected application/json, got " + (type == null ? "none" : "'" + type + "'")));
    }
    String encoding = request.getHeaders().get(HttpHeader.CONTENT_ENCODING);
    if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
      return json(
          response,
          callback,
          415,
          ApiJson.error("Content-Encoding", "send the body uncompressed, got '" + encoding + "'"));
    }
    java.io.InputStream in = Content.Source.asInputStream(request);
    byte[] bytes = in.readNBytes(FeedbackRequests.MAX_BODY_BYTES + 1);
    if (bytes.length > FeedbackRequests.MAX_BODY_BYTES) {
      // Read (and drop) up to as much again, so that the client gets to read the answer; a larger
      // body is cut off with the connection.
      in.readNBytes(
          (int)
              Math.min(
                  FeedbackRequests.MAX_BODY_BYTES,
                  Math.max(0, request.getLength() - FeedbackRequests.MAX_BODY_BYTES - 1)));
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      return json(
          response,
          callback,
          413,
          ApiJson.error(
              "body",
              "larger than "
                  + FeedbackRequests.MAX_BODY_BYTES
                  + " bytes; send at most "
                  + FeedbackRequests.MAX_ITEMS
                  + " items per request"));
    }
    String body = new String(bytes, StandardCharsets.UTF_8);
    long now = nowMillis.getAsLong();
    if (BULK_FEEDBACK.equals(path)) {
      return bulkFeedback(FeedbackRequests.bulk(body, now), response, callback);
    }
    String key =
        decode(path.substring(PREDICTIONS.length() + 1, path.length() - FEEDBACK.length()));
    Feedback f = FeedbackRequests.single(body, now);
    WriteBatch.FeedbackWrite w;
    if (ID.matcher(key).matches()) {
      w = new WriteBatch.FeedbackWrite(null, Long.parseLong(key), f);
    } else if (TRACE_ID.matcher(key).matches()) {
      w = new WriteBatch.FeedbackWrite(key.toLowerCase(Locale.ROOT), null, f);
    } else {
      throw new BadParameterException(
          "id", "expected a numeric prediction id or a 32-hex-digit trace id, got '" + key + "'");
    }
    FeedbackOutcome outcome = store.write(new WriteBatch().add(w)).get(0);
    if (!outcome.applied()) {
      return json(
          response,
          callback,
          404,
          ApiJson.error(
              "id",
              "no prediction '"
                  + key
                  + "' (not arrived yet, not sampled, or removed by retention)"));
    }
    onFeedback.accept(outcome);
    JsonObject o = new JsonObject();
    o.addProperty("key", key);
    JsonArray ids = new JsonArray();
    outcome.predictionIds().forEach(ids::add);
    o.add("prediction_ids", ids);
    o.add("feedback", ApiJson.feedback(f));
    return json(response, callback, 200, o);
  }

  private boolean bulkFeedback(
      List<FeedbackRequests.Item> items, Response response, Callback callback)
      throws StoreException {
    WriteBatch batch = new WriteBatch();
    for (FeedbackRequests.Item item : items) {
      if (item.error() == null) {
        batch.add(new WriteBatch.FeedbackWrite(item.traceId(), null, item.feedback()));
      }
    }
    List<FeedbackOutcome> outcomes = store.write(batch);
    JsonArray results = new JsonArray();
    int applied = 0;
    int unknown = 0;
    int invalid = 0;
    int next = 0;
    for (FeedbackRequests.Item item : items) {
      JsonObject r = new JsonObject();
      r.addProperty("index", item.index());
      if (item.error() != null) {
        invalid++;
        r.addProperty("status", 400);
        r.addProperty("error", item.error().getMessage());
        r.addProperty("parameter", item.error().parameter());
      } else {
        FeedbackOutcome outcome = outcomes.get(next++);
        r.addProperty("trace_id", item.traceId());
        if (outcome.applied()) {
          applied++;
          onFeedback.accept(outcome);
          r.addProperty("status", 200);
          JsonArray ids = new JsonArray();
          outcome.predictionIds().forEach(ids::add);
          r.add("prediction_ids", ids);
        } else {
          unknown++;
          r.addProperty("status", 404);
          r.addProperty("error", "no prediction of trace '" + item.traceId() + "'");
        }
      }
      results.add(r);
    }
    JsonObject o = new JsonObject();
    o.addProperty("applied", applied);
    o.addProperty("unknown", unknown);
    o.addProperty("invalid", invalid);
    o.add("results", results);
    return json(response, callback, 200, o);
  }

  /** GET /api/models/{model}/comparison: wrong against right predictions, per feature. */
  private boolean comparison(String model, Fields params, Response response, Callback callback)
      throws BadParameterException, StoreException {
    int limit = 50;
    for (String name : params.getNames()) {
      if (!name.equals("limit")) {
        throw new BadParameterException(name, "unknown parameter; expected limit");
      }
    }
    String l = params.getValue("limit");
    if (l != null) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > 1000) {
        throw new BadParameterException("limit", "expected an integer from 1 to 1000");
      }
    }
    if (!comparisons.tryAcquire()) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      return json(
          response,
          callback,
          503,
          ApiJson.error(null, "two comparisons are being computed; try again in a second"));
    }
    try {
      ComparisonInputs.Inputs in =
          ComparisonInputs.of(store.labelledSnapshots(model, COMPARISON_MAX_PREDICTIONS));
      if (in.observations().isEmpty() && store.find(modelQuery(model)).isEmpty()) {
        return json(
            response,
            callback,
            404,
            ApiJson.error("model", "no predictions of model '" + model + "'"));
      }
      FeedbackComparison.Report r = FeedbackComparison.compare(in.features(), in.observations());
      return json(
          response,
          callback,
          200,
          ApiJson.comparison(model, r, COMPARISON_MAX_PREDICTIONS, limit, COMPARISON_EVIDENCE));
    } finally {
      comparisons.release();
    }
  }

  private static PredictionQuery modelQuery(String model) {
    return new PredictionQuery(null, null, model, null, PredictionQuery.Order.TIME, 1);
  }

  private boolean ready(Response response, Callback callback) {
    List<String> problems = readinessProblems.get();
    JsonObject o = new JsonObject();
    o.addProperty("status", problems.isEmpty() ? "ready" : "not ready");
    JsonArray a = new JsonArray();
    problems.forEach(a::add);
    o.add("problems", a);
    return json(response, callback, problems.isEmpty() ? 200 : 503, o);
  }

  private boolean metrics(Response response, Callback callback) throws IOException {
    StringWriter w = new StringWriter();
    TextFormat.write004(w, registry.metricFamilySamples());
    return reply(
        response,
        callback,
        200,
        TextFormat.CONTENT_TYPE_004,
        w.toString().getBytes(StandardCharsets.UTF_8));
  }

  private boolean models(Response response, Callback callback) throws StoreException {
    List<JsonObject> out = new ArrayList<>();
    for (ModelSummary m : store.models()) {
      out.add(
          ApiJson.model(m, baselines.windowSize(m.model()), verdictBaseline.applyAsInt(m.model())));
    }
    JsonObject o = new JsonObject();
    o.add("models", ApiJson.array(out));
    return json(response, callback, 200, o);
  }

  private boolean heads(String model, Response response, Callback callback) {
    List<HeadBaseline> rows = baselines.compare(model, nowMillis.getAsLong());
    if (rows.isEmpty()) {
      return json(
          response,
          callback,
          404,
          ApiJson.error(
              "model",
              "no snapshots for model '"
                  + model
                  + "' since the collector started or in the store"));
    }
    List<JsonObject> heads = new ArrayList<>();
    int layers = 0;
    int headCount = 0;
    for (HeadBaseline h : rows) {
      heads.add(ApiJson.head(h));
      layers = Math.max(layers, h.layer() + 1);
      headCount = Math.max(headCount, h.head() + 1);
    }
    JsonObject o = new JsonObject();
    o.addProperty("model", model);
    o.addProperty("layers", layers);
    o.addProperty("heads_per_layer", headCount);
    o.addProperty("window", baselineWindow);
    o.addProperty("now_seconds", baselines.nowMillis() / 1000.0);
    o.addProperty("snapshots_in_window", baselines.windowSize(model));
    o.add("heads", ApiJson.array(heads));
    return json(response, callback, 200, o);
  }

  /** One head's recent and baseline values, as distributions per statistic. */
  private boolean headValues(
      String model, int layer, int head, Response response, Callback callback) {
    List<HeadValues> values = baselines.values(model, layer, head, nowMillis.getAsLong());
    if (values.isEmpty()) {
      return json(
          response,
          callback,
          404,
          ApiJson.error(
              "model",
              "no values for model '"
                  + model
                  + "' layer "
                  + layer
                  + " head "
                  + head
                  + ": an unknown model, or a head outside its shape"));
    }
    return json(
        response,
        callback,
        200,
        ApiJson.headValues(
            model, layer, head, baselineWindow, baselines.nowMillis() / 1000.0, values));
  }

  private boolean predictions(Fields params, Response response, Callback callback)
      throws BadParameterException, StoreException {
    PredictionQuery q = PredictionQueryParser.parse(params);
    List<JsonObject> out = new ArrayList<>();
    for (PredictionSummary p : store.find(q)) {
      out.add(ApiJson.summary(p));
    }
    JsonObject o = new JsonObject();
    o.addProperty("order", q.order().name().toLowerCase(Locale.ROOT));
    o.addProperty("limit", q.limit());
    o.add("predictions", ApiJson.array(out));
    return json(response, callback, 200, o);
  }

  private boolean prediction(String key, Response response, Callback callback)
      throws BadParameterException, StoreException {
    Optional<PredictionDetail> d = detail(key);
    if (d.isEmpty()) {
      return json(response, callback, 404, ApiJson.error("id", "no prediction '" + key + "'"));
    }
    return json(response, callback, 200, ApiJson.detail(d.get()));
  }

  /** A prediction by numeric id or trace id (its most deviant prediction). */
  private Optional<PredictionDetail> detail(String key)
      throws BadParameterException, StoreException {
    if (ID.matcher(key).matches()) {
      return store.byId(Long.parseLong(key));
    }
    if (TRACE_ID.matcher(key).matches()) {
      return store.byTraceId(key.toLowerCase(Locale.ROOT));
    }
    throw new BadParameterException(
        "id", "expected a numeric prediction id or a 32-hex-digit trace id, got '" + key + "'");
  }

  /** One head's attention map of one sequence of a prediction, decoded to weights. */
  private boolean attention(String key, Fields params, Response response, Callback callback)
      throws BadParameterException, StoreException {
    AttentionQueryParser.AttentionQuery q = AttentionQueryParser.parse(params);
    Optional<PredictionDetail> d = detail(key);
    if (d.isEmpty()) {
      return json(response, callback, 404, ApiJson.error("id", "no prediction '" + key + "'"));
    }
    long id = d.get().summary().id();
    Optional<AttentionMap> found = store.attentionMap(id, q.batch());
    if (found.isEmpty()) {
      return json(
          response,
          callback,
          404,
          ApiJson.error(
              "batch",
              "no attention map stored for prediction "
                  + id
                  + ", batch index "
                  + q.batch()
                  + " (the agent exports maps for a share of predictions only)"));
    }
    AttentionMap m = found.get();
    if (m.tokens() > MAX_DENSE_TOKENS) {
      return json(
          response,
          callback,
          422,
          ApiJson.error(
              "batch",
              "this map covers "
                  + m.tokens()
                  + " tokens; the API serves maps of at most "
                  + MAX_DENSE_TOKENS
                  + " tokens as weights"));
    }
    if (q.layer() >= m.layers()) {
      throw new BadParameterException(
          "layer", "expected 0 to " + (m.layers() - 1) + ", got " + q.layer());
    }
    if (q.head() >= m.heads()) {
      throw new BadParameterException(
          "head", "expected 0 to " + (m.heads() - 1) + ", got " + q.head());
    }
    return json(response, callback, 200, ApiJson.attention(d.get(), m, q.layer(), q.head()));
  }

  private static String decode(String s) throws BadParameterException {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new BadParameterException("path", "bad percent-encoding in '" + s + "'");
    }
  }

  private static boolean json(Response response, Callback callback, int status, JsonElement body) {
    return reply(
        response, callback, status, JSON, ApiJson.write(body).getBytes(StandardCharsets.UTF_8));
  }

  private static boolean reply(
      Response response, Callback callback, int status, String contentType, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }
}
