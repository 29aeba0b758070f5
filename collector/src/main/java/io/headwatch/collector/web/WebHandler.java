package io.headwatch.collector.web;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.headwatch.collector.http.BearerAuth;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the pages, their assets and {@code /ui/config.json}; declines {@code /api…}, {@code
 * /metrics} and {@code /health/…} (returns false) so that the API handler after it in the sequence
 * answers them. Every other path is a page, or the not-found page with status 404 — never Jetty's
 * error page. Pages and assets hold no data and need no token; {@code /ui/config.json} needs the
 * API token when one is configured, as the API does (the pages send it once the user gave it).
 */
public final class WebHandler extends Handler.Abstract {
  private static final String ASSETS = "/assets/";
  private static final String CONFIG = "/ui/config.json";

  private final StaticAssets files = new StaticAssets("web/");
  private final byte[] config;
  private final BearerAuth auth;

  /**
   * @param traceUrlTemplate the link to a trace in the user's tracing UI, with {@code {trace_id}}
   *     and optionally {@code {span_id}} (already validated by the configuration), if any
   * @param apiToken the API's bearer token; empty: none
   */
  public WebHandler(Optional<String> traceUrlTemplate, String apiToken) {
    this.auth = new BearerAuth(apiToken);
    JsonObject o = new JsonObject();
    o.add("trace_url_template", JsonNull.INSTANCE);
    traceUrlTemplate.ifPresent(t -> o.addProperty("trace_url_template", t));
    this.config = o.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = request.getHttpURI().getPath();
    if (path == null || PageRoutes.isApi(path)) {
      return false;
    }
    HttpFields.Mutable headers = response.getHeaders();
    SecurityHeaders.apply(headers);
    String method = request.getMethod();
    boolean head = "HEAD".equals(method);
    if (!head && !"GET".equals(method)) {
      headers.put(HttpHeader.ALLOW, "GET, HEAD");
      return send(response, callback, 405, "text/plain;charset=utf-8", utf8("use GET\n"), head);
    }
    if (path.equals(CONFIG)) {
      headers.put(HttpHeader.CACHE_CONTROL, "no-store");
      if (!auth.allows(request)) {
        headers.put(HttpHeader.WWW_AUTHENTICATE, BearerAuth.challenge());
        return send(
            response,
            callback,
            401,
            "application/json",
            utf8("{\"error\":\"missing or wrong bearer token\"}"),
            head);
      }
      return send(response, callback, 200, "application/json", config, head);
    }
    if (path.startsWith(ASSETS)) {
      Optional<StaticAssets.Asset> asset = files.get(path.substring(1));
      if (asset.isPresent()) {
        return sendAsset(request, response, callback, asset.get(), 200, head);
      }
    } else {
      PageRoutes.Page page = PageRoutes.page(path);
      Optional<StaticAssets.Asset> html = files.get(page.file());
      if (html.isPresent()) {
        return sendAsset(request, response, callback, html.get(), page.status(), head);
      }
    }
    StaticAssets.Asset notFound =
        files
            .get("not-found.html")
            .orElseThrow(() -> new IllegalStateException("web/not-found.html missing from jar"));
    return sendAsset(request, response, callback, notFound, 404, head);
  }

  private static boolean sendAsset(
      Request request,
      Response response,
      Callback callback,
      StaticAssets.Asset asset,
      int status,
      boolean head) {
    HttpFields.Mutable headers = response.getHeaders();
    boolean gzip = asset.gzip() != null && acceptsGzip(request);
    String etag = gzip ? asset.etag().replace("\"", "") : asset.etag();
    if (gzip) {
      etag = "\"" + etag + "-gz\"";
    }
    headers.put(HttpHeader.VARY, "Accept-Encoding");
    if (status == 200) {
      // Revalidate every time (a cheap 304): the jar's files change with the collector version.
      headers.put(HttpHeader.CACHE_CONTROL, "no-cache");
      headers.put(HttpHeader.ETAG, etag);
      String ifNoneMatch = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
      if (ifNoneMatch != null && ifNoneMatch.contains(etag)) {
        response.setStatus(304);
        callback.succeeded();
        return true;
      }
    } else {
      headers.put(HttpHeader.CACHE_CONTROL, "no-store");
    }
    if (gzip) {
      headers.put(HttpHeader.CONTENT_ENCODING, "gzip");
    }
    return send(
        response, callback, status, asset.contentType(), gzip ? asset.gzip() : asset.bytes(), head);
  }

  private static boolean acceptsGzip(Request request) {
    for (String v : request.getHeaders().getValuesList(HttpHeader.ACCEPT_ENCODING)) {
      for (String coding : v.split(",")) {
        String c = coding.trim();
        if (c.equals("gzip") || (c.startsWith("gzip;") && !c.replace(" ", "").endsWith("q=0"))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean send(
      Response response,
      Callback callback,
      int status,
      String contentType,
      byte[] body,
      boolean head) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, String.valueOf(body.length));
    response.write(true, head ? null : ByteBuffer.wrap(body), callback);
    return true;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
