package io.headwatch.collector.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.headwatch.collector.baseline.BaselineTracker;
import io.headwatch.collector.baseline.HeadBaseline;
import io.headwatch.collector.baseline.HeadValues;
import io.headwatch.collector.http.BearerAuth;
import io.headwatch.collector.model.AttentionMap;
import io.headwatch.collector.store.ModelSummary;
import io.headwatch.collector.store.PredictionDetail;
import io.headwatch.collector.store.PredictionQuery;
import io.headwatch.collector.store.PredictionStore;
import io.headwatch.collector.store.PredictionSummary;
import io.headwatch.collector.store.StoreException;
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
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
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

  /**
   * @param verdictBaseline clean predictions in a model's verdict baseline
   * @param apiToken empty: no check; otherwise every request but /health/* must carry it
   * @param readinessProblems what keeps the collector from being ready; empty when ready
   */
  public ApiHandler(
      CollectorRegistry registry,
      PredictionStore store,
      BaselineTracker baselines,
      int baselineWindow,
      LongSupplier nowMillis,
      ToIntFunction<String> verdictBaseline,
      String apiToken,
      Supplier<List<String>> readinessProblems) {
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
    if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET");
      return json(response, callback, 405, ApiJson.error(null, "use GET"));
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
