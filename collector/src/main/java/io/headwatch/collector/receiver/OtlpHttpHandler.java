package io.headwatch.collector.receiver;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.headwatch.collector.forward.OtlpForwarder;
import io.headwatch.collector.ingest.IngestQueue;
import io.headwatch.collector.prometheus.OtlpMetricsTranslator;
import io.headwatch.collector.prometheus.SelfMetrics;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * OTLP/HTTP receiver: POST /v1/metrics, /v1/traces, /v1/logs with {@code application/x-protobuf} or
 * {@code application/json}, optionally {@code Content-Encoding: gzip}. Status codes: 200 (partial
 * success in the body when some points are refused), 400 malformed, 404 unknown path, 405 not POST,
 * 413 body over the limit (raw or inflated), 415 unsupported content type or encoding, 503 +
 * Retry-After when the ingest queue is full, the collector is stopping, or the store failed. A 200
 * is sent only once the request is applied: its spans and snapshots are durable in the store. Error
 * bodies are google.rpc.Status.
 */
public final class OtlpHttpHandler extends Handler.Abstract {
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";

  /** Seconds an agent is asked to wait when the ingest queue is full. */
  static final String RETRY_AFTER_SECONDS = "1";

  private final long maxBodyBytes;
  private final IngestQueue queue;
  private final OtlpForwarder forwarder;
  private final SelfMetrics self;
  private final LongSupplier clock;
  private final Executor executor;
  private volatile boolean stopping;

  /**
   * {@code forwarder} may be null (no forwarding); {@code executor} writes the answers (the
   * server's thread pool).
   */
  public OtlpHttpHandler(
      long maxBodyBytes,
      IngestQueue queue,
      OtlpForwarder forwarder,
      SelfMetrics self,
      LongSupplier clock,
      Executor executor) {
    this.maxBodyBytes = maxBodyBytes;
    this.queue = queue;
    this.forwarder = forwarder;
    this.self = self;
    this.clock = clock;
    this.executor = executor;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Signal signal = Signal.byPath(Request.getPathInContext(request));
    if (signal == null) {
      return reply(
          response,
          callback,
          404,
          JSON,
          RpcStatus.json(
              RpcStatus.UNIMPLEMENTED, "unknown path; use /v1/metrics, /v1/traces or /v1/logs"));
    }
    if (!"POST".equals(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      return reply(
          response, callback, 405, JSON, RpcStatus.json(RpcStatus.UNIMPLEMENTED, "use POST"));
    }
    String contentType = mediaType(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
    if (!PROTOBUF.equals(contentType) && !JSON.equals(contentType)) {
      return reject(
          signal,
          "unsupported_media_type",
          response,
          callback,
          415,
          JSON,
          RpcStatus.INVALID_ARGUMENT,
          "unsupported content type '"
              + contentType
              + "'; expected application/x-protobuf or application/json");
    }
    String encoding = request.getHeaders().get(HttpHeader.CONTENT_ENCODING);
    boolean gzip = encoding != null && "gzip".equalsIgnoreCase(encoding.trim());
    if (encoding != null && !gzip && !"identity".equalsIgnoreCase(encoding.trim())) {
      return reject(
          signal,
          "unsupported_media_type",
          response,
          callback,
          415,
          contentType,
          RpcStatus.INVALID_ARGUMENT,
          "unsupported content encoding '" + encoding + "'; expected gzip");
    }
    byte[] raw;
    byte[] body;
    try (InputStream in = Content.Source.asInputStream(request)) {
      long declared = request.getLength();
      if (declared > maxBodyBytes) {
        drain(in);
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        return reject(
            signal,
            "too_large",
            response,
            callback,
            413,
            contentType,
            RpcStatus.RESOURCE_EXHAUSTED,
            "body of " + declared + " bytes exceeds " + maxBodyBytes);
      }
      try {
        raw = BodyReader.readBounded(in, maxBodyBytes, "body");
      } catch (BodyTooLargeException e) {
        drain(in);
        throw e;
      }
      body = gzip ? BodyReader.gunzip(raw, maxBodyBytes) : raw;
    } catch (BodyTooLargeException e) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      return reject(
          signal,
          "too_large",
          response,
          callback,
          413,
          contentType,
          RpcStatus.RESOURCE_EXHAUSTED,
          e.getMessage());
    } catch (IOException e) {
      return reject(
          signal,
          "malformed",
          response,
          callback,
          400,
          contentType,
          RpcStatus.INVALID_ARGUMENT,
          "unreadable body: " + e.getMessage());
    }

    Message export;
    try {
      export = PROTOBUF.equals(contentType) ? signal.parse(body) : OtlpJson.parse(signal, body);
    } catch (InvalidProtocolBufferException e) {
      return reject(
          signal,
          "malformed",
          response,
          callback,
          400,
          contentType,
          RpcStatus.INVALID_ARGUMENT,
          "malformed " + signal.label() + " payload: " + e.getMessage());
    }

    if (stopping) {
      return overloaded(signal, response, callback, contentType, "the collector is stopping");
    }
    IngestQueue.Item item = queue.offer(export, body.length, clock.getAsLong());
    if (item == null) {
      return overloaded(signal, response, callback, contentType, "ingest queue full; retry later");
    }
    long refused =
        export instanceof ExportMetricsServiceRequest m
            ? OtlpMetricsTranslator.unsupportedPoints(m)
            : 0;
    String forwardEncoding = gzip ? "gzip" : null;
    // Answered when the request is applied: for spans and snapshots, once they are durable in the
    // store. The answer is written from a server thread, not from the ingest worker.
    item.done()
        .whenCompleteAsync(
            (ok, failure) -> {
              if (failure != null) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
                reject(
                    signal,
                    "store_error",
                    response,
                    callback,
                    503,
                    contentType,
                    RpcStatus.UNAVAILABLE,
                    "could not store the request (" + failure.getMessage() + "); retry later");
                return;
              }
              accepted(signal, response, callback, contentType, refused);
              if (forwarder != null) {
                forwarder.offer(signal.path(), contentType, forwardEncoding, raw);
              }
            },
            executor);
    return true;
  }

  /** Refuses requests from now on with 503 (the collector is shutting down). */
  public void stopAccepting() {
    stopping = true;
  }

  private boolean overloaded(
      Signal signal, Response response, Callback callback, String contentType, String message) {
    response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
    return reject(
        signal, "overloaded", response, callback, 503, contentType, RpcStatus.UNAVAILABLE, message);
  }

  private boolean accepted(
      Signal signal, Response response, Callback callback, String contentType, long refused) {
    self.received(signal.label());
    if (refused > 0) {
      self.rejected(signal.label(), "unsupported_type");
    }
    Message answer =
        signal.response(
            refused, "exponential histograms are not supported; use explicit-bucket histograms");
    try {
      byte[] bytes = PROTOBUF.equals(contentType) ? answer.toByteArray() : OtlpJson.print(answer);
      return reply(response, callback, 200, contentType, bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("response did not print as JSON", e);
    }
  }

  /**
   * Reads and discards up to another max-body-bytes of a refused body, so that a client still
   * sending it gets to read the 413 instead of a reset connection. The 413 also says "Connection:
   * close": what is left of the body is never read, so the connection cannot be reused.
   */
  private void drain(InputStream in) {
    try {
      BodyReader.discard(in, maxBodyBytes);
    } catch (IOException e) {
      // The client went away: nothing to answer.
    }
  }

  private boolean reject(
      Signal signal,
      String reason,
      Response response,
      Callback callback,
      int status,
      String contentType,
      int rpcCode,
      String message) {
    self.rejected(signal.label(), reason);
    byte[] body =
        PROTOBUF.equals(contentType)
            ? RpcStatus.protobuf(rpcCode, message)
            : RpcStatus.json(rpcCode, message);
    return reply(response, callback, status, PROTOBUF.equals(contentType) ? PROTOBUF : JSON, body);
  }

  private static boolean reply(
      Response response, Callback callback, int status, String contentType, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }

  private static String mediaType(String header) {
    if (header == null) {
      return "";
    }
    int semi = header.indexOf(';');
    return (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }
}
