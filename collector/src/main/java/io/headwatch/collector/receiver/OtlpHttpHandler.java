package io.headwatch.collector.receiver;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.headwatch.collector.forward.OtlpForwarder;
import io.headwatch.collector.http.BearerAuth;
import io.headwatch.collector.ingest.IngestQueue;
import io.headwatch.collector.ingest.RequestLimits;
import io.headwatch.collector.prometheus.OtlpMetricsTranslator;
import io.headwatch.collector.prometheus.SelfMetrics;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * OTLP/HTTP receiver: POST /v1/metrics, /v1/traces, /v1/logs with {@code application/x-protobuf} or
 * {@code application/json}, optionally {@code Content-Encoding: gzip}. The body is read without
 * holding a thread (a slow client costs no thread) and decoded within every limit ({@link
 * OtlpDecoder}). Status codes: 200 (partial success in the body when some points are refused) once
 * the request is applied, its spans and snapshots durable in the store; 400 malformed or over a
 * limit (the message names it); 401 without the ingest token; 404 unknown path; 405 not POST; 408
 * body not received within body-timeout; 413 body over max-body-bytes (raw or inflated) or too
 * large to decode within ingest-queue-bytes; 415 unsupported content type or encoding; 503 +
 * Retry-After when the collector is busy (queue or receive budget full), stopping, or could not
 * store the request. Error bodies are google.rpc.Status.
 */
public final class OtlpHttpHandler extends Handler.Abstract {
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";

  /** Seconds an agent is asked to wait when the collector is busy. */
  static final String RETRY_AFTER_SECONDS = "1";

  /** What the receiver needs to know of the settings. */
  public record Settings(
      long maxBodyBytes,
      long maxItems,
      RequestLimits limits,
      long receiveBufferBytes,
      long bodyTimeoutMillis,
      String ingestToken) {}

  private final Settings settings;
  private final OtlpDecoder decoder;
  private final MemoryBudget receiveBudget;
  private final BearerAuth auth;
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
      Settings settings,
      IngestQueue queue,
      OtlpForwarder forwarder,
      SelfMetrics self,
      LongSupplier clock,
      Executor executor) {
    this.settings = settings;
    this.decoder = new OtlpDecoder(settings.maxBodyBytes(), settings.maxItems(), settings.limits());
    this.receiveBudget = new MemoryBudget(settings.receiveBufferBytes());
    this.auth = new BearerAuth(settings.ingestToken());
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
      bodyUnread(response);

      return reply(
          response,
          callback,
          404,
          JSON,
          RpcStatus.json(
              RpcStatus.UNIMPLEMENTED, "unknown path; use /v1/metrics, /v1/traces or /v1/logs"));
    }
    String contentType = mediaType(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
    String answerType = PROTOBUF.equals(contentType) ? PROTOBUF : JSON;
    if (!auth.allows(request)) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, BearerAuth.challenge());
      bodyUnread(response);

      return reject(
          signal,
          "unauthenticated",
          response,
          callback,
          new OtlpDecoder.Refused(
              401,
              RpcStatus.UNAUTHENTICATED,
              "unauthenticated",
              "missing or wrong bearer token; send Authorization: Bearer <ingest-token> (for"
                  + " the agent: OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<token>)"),
          answerType);
    }
    if (!"POST".equals(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      bodyUnread(response);

      return reply(
          response, callback, 405, JSON, RpcStatus.json(RpcStatus.UNIMPLEMENTED, "use POST"));
    }
    if (!PROTOBUF.equals(contentType) && !JSON.equals(contentType)) {
      bodyUnread(response);

      return reject(
          signal,
          "unsupported_media_type",
          response,
          callback,
          new OtlpDecoder.Refused(
              415,
              RpcStatus.INVALID_ARGUMENT,
              "unsupported_media_type",
              "unsupported content type '"
                  + contentType
                  + "'; expected application/x-protobuf or application/json"),
          JSON);
    }
    String encoding = request.getHeaders().get(HttpHeader.CONTENT_ENCODING);
    boolean gzip = encoding != null && "gzip".equalsIgnoreCase(encoding.trim());
    if (encoding != null && !gzip && !"identity".equalsIgnoreCase(encoding.trim())) {
      bodyUnread(response);

      return reject(
          signal,
          "unsupported_media_type",
          response,
          callback,
          new OtlpDecoder.Refused(
              415,
              RpcStatus.INVALID_ARGUMENT,
              "unsupported_media_type",
              "unsupported content encoding '" + encoding + "'; expected gzip"),
          answerType);
    }
    if (stopping) {
      bodyUnread(response);

      return reject(
          signal,
          "overloaded",
          response,
          callback,
          new OtlpDecoder.Refused(
              503, RpcStatus.UNAVAILABLE, "overloaded", "the collector is stopping"),
          answerType);
    }
    long receivedMillis = clock.getAsLong();
    MemoryBudget.Lease lease = receiveBudget.lease();
    BodyReading.start(
        request,
        settings.maxBodyBytes(),
        settings.bodyTimeoutMillis(),
        lease,
        new BodyReading.Outcome() {
          @Override
          public void body(byte[] raw) {
            decodeAndQueue(
                signal, contentType, gzip, raw, lease, receivedMillis, response, callback);
          }

          @Override
          public void refused(OtlpDecoder.Refused refused) {
            lease.close();
            reject(signal, refused.reason(), response, callback, refused, answerType);
          }
        });
    return true;
  }

  private void decodeAndQueue(
      Signal signal,
      String contentType,
      boolean gzip,
      byte[] raw,
      MemoryBudget.Lease lease,
      long receivedMillis,
      Response response,
      Callback callback) {
    IngestQueue.Reservation[] reservation = new IngestQueue.Reservation[1];
    Message export;
    try {
      export =
          decoder.decode(
              signal,
              JSON.equals(contentType),
              gzip,
              raw,
              lease,
              heapBytes -> {
                // The raw body stays in memory until forwarded: it counts too.
                long cost = heapBytes + (forwarder == null ? 0 : raw.length);
                if (cost > queue.maxBytes()) {
                  throw new OtlpDecoder.Refused(
                      413,
                      RpcStatus.RESOURCE_EXHAUSTED,
                      "too_large",
                      "decoding this request would hold about "
                          + cost
                          + " bytes, more than ingest-queue-bytes ("
                          + queue.maxBytes()
                          + "); send smaller batches");
                }
                reservation[0] = queue.reserve(cost);
                return reservation[0] != null;
              });
    } catch (OtlpDecoder.Refused refused) {
      if (reservation[0] != null) {
        reservation[0].cancel();
      }
      reject(signal, refused.reason(), response, callback, refused, answerType(contentType));
      return;
    } finally {
      lease.close();
    }
    IngestQueue.Item item = reservation[0].enqueue(export, receivedMillis);
    if (item == null) {
      reject(
          signal,
          "overloaded",
          response,
          callback,
          new OtlpDecoder.Refused(
              503, RpcStatus.UNAVAILABLE, "overloaded", "ingest queue full; retry later"),
          answerType(contentType));
      return;
    }
    long refusedPoints =
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
                reject(
                    signal,
                    "store_error",
                    response,
                    callback,
                    new OtlpDecoder.Refused(
                        503,
                        RpcStatus.UNAVAILABLE,
                        "store_error",
                        "could not store the request (" + failure.getMessage() + "); retry later"),
                    answerType(contentType));
                return;
              }
              accepted(signal, response, callback, contentType, refusedPoints);
              if (forwarder != null) {
                forwarder.offer(signal.path(), contentType, forwardEncoding, raw);
              }
            },
            executor);
  }

  /** An OTLP google.rpc.Status in JSON, for errors the HTTP server produces itself. */
  public static String errorBody(int httpStatus, String message) {
    int code =
        switch (httpStatus) {
          case 401 -> RpcStatus.UNAUTHENTICATED;
          case 404, 405 -> RpcStatus.UNIMPLEMENTED;
          case 408 -> RpcStatus.DEADLINE_EXCEEDED;
          case 413, 431 -> RpcStatus.RESOURCE_EXHAUSTED;
          case 503 -> RpcStatus.UNAVAILABLE;
          default -> httpStatus >= 500 ? RpcStatus.INTERNAL : RpcStatus.INVALID_ARGUMENT;
        };
    return new String(RpcStatus.json(code, message), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Refuses requests from now on with 503 (the collector is shutting down). */
  public void stopAccepting() {
    stopping = true;
  }

  private void accepted(
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
      reply(response, callback, 200, contentType, bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("response did not print as JSON", e);
    }
  }

  /**
   * An answer sent before the request's body is read: the connection is closed after it. Without
   * this header the client may send its next request on a connection the server closes once it
   * gives up on the unread body, and that request fails with no answer ("header parser received no
   * bytes" in the JDK client: seen once in HttpSurfaceTest).
   */
  private static void bodyUnread(Response response) {
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
  }

  private boolean reject(
      Signal signal,
      String reason,
      Response response,
      Callback callback,
      OtlpDecoder.Refused refused,
      String answerType) {
    self.rejected(signal.label(), reason);
    int status = refused.status();
    if (status == 503) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
    }
    if (status == 408 || status == 413) {
      // What is left of the body is never read: the connection cannot be reused.
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
    byte[] body =
        PROTOBUF.equals(answerType)
            ? RpcStatus.protobuf(refused.rpcCode(), refused.getMessage())
            : RpcStatus.json(refused.rpcCode(), refused.getMessage());
    return reply(response, callback, status, answerType, body);
  }

  private static String answerType(String contentType) {
    return PROTOBUF.equals(contentType) ? PROTOBUF : JSON;
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

  public boolean stopping() {
    return stopping;
  }

  /** Bytes of bodies being received now (for the collector's own metrics). */
  public long receivingBytes() {
    return receiveBudget.used();
  }
}
