package io.headwatch.collector.web;

import java.util.regex.Pattern;

/**
 * Which page (an HTML file under {@code web/}) a request path shows, and with which status. Paths
 * the API owns ({@code /api}, {@code /api/…}, {@code /metrics}, the probes {@code /health/…}) and
 * assets are not pages.
 */
final class PageRoutes {
  /** A page file and the status to send it with. */
  record Page(String file, int status) {}

  private static final Pattern PREDICTION_KEY = Pattern.compile("[0-9]{1,18}|[0-9a-fA-F]{32}");
  private static final Page MODELS = new Page("models.html", 200);
  private static final Page MODEL = new Page("model.html", 200);
  private static final Page COMPARISON = new Page("comparison.html", 200);
  private static final Page PREDICTIONS = new Page("predictions.html", 200);
  private static final Page PREDICTION = new Page("prediction.html", 200);
  // The prediction page itself explains a key that is neither an id nor a trace id.
  private static final Page BAD_PREDICTION_KEY = new Page("prediction.html", 404);
  private static final Page NOT_FOUND = new Page("not-found.html", 404);

  private PageRoutes() {}

  /** True for paths the JSON API, the Prometheus endpoint and the probes answer. */
  static boolean isApi(String path) {
    return path.equals("/api")
        || path.startsWith("/api/")
        || path.equals("/metrics")
        || path.startsWith("/health/");
  }

  /** The page for a raw (still percent-encoded) path that is neither API nor asset. */
  static Page page(String path) {
    if (path.equals("/") || path.equals("/models") || path.equals("/models/")) {
      return MODELS;
    }
    if (path.equals("/predictions") || path.equals("/predictions/")) {
      return PREDICTIONS;
    }
    String model = segmentAfter(path, "/models/");
    if (model != null) {
      return MODEL;
    }
    if (path.startsWith("/models/") && path.endsWith("/comparison")) {
      String name =
          segmentAfter(path.substring(0, path.length() - "/comparison".length()), "/models/");
      if (name != null) {
        return COMPARISON;
      }
    }
    String key = segmentAfter(path, "/predictions/");
    if (key != null) {
      return PREDICTION_KEY.matcher(key).matches() ? PREDICTION : BAD_PREDICTION_KEY;
    }
    return NOT_FOUND;
  }

  /** The one non-empty path segment after a prefix, or null. */
  private static String segmentAfter(String path, String prefix) {
    if (!path.startsWith(prefix)) {
      return null;
    }
    String rest = path.substring(prefix.length());
    return rest.isEmpty() || rest.contains("/") ? null : rest;
  }
}
