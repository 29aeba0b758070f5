package io.headwatch.collector.receiver;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.headwatch.collector.ingest.LimitExceededException;
import io.headwatch.collector.ingest.RequestLimits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Turns a received body into an export request, within every limit and in this order, so that
 * nothing large is built before it is known to fit: inflate gzip (bounded by max-body-bytes and by
 * the receive budget), walk the bytes (items and heap cost, nothing built), admit the heap cost
 * (the ingest queue reserves it), parse, check what the collector keeps against {@link
 * RequestLimits}. Every refusal is a {@link Refused} with its HTTP status and a message naming the
 * limit.
 */
final class OtlpDecoder {
  private static final int CHUNK = 16 * 1024;

  /** Reserves the decoded request's heap before it is built; false when it cannot. */
  interface Admission {
    /** Throws {@link Refused} (413) when the cost can never fit; false when it does not fit now. */
    boolean admit(long heapBytes) throws Refused;
  }

  /** A request that cannot be decoded within the limits; answered with {@link #status()}. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final int rpcCode;
    private final String reason;

    Refused(int status, int rpcCode, String reason, String message) {
      super(message);
      this.status = status;
      this.rpcCode = rpcCode;
      this.reason = reason;
    }

    int status() {
      return status;
    }

    int rpcCode() {
      return rpcCode;
    }

    /** The value of the reason label on rejected_total. */
    String reason() {
      return reason;
    }
  }

  private final long maxBodyBytes;
  private final long maxItems;
  private final RequestLimits limits;

  OtlpDecoder(long maxBodyBytes, long maxItems, RequestLimits limits) {
    this.maxBodyBytes = maxBodyBytes;
    this.maxItems = maxItems;
    this.limits = limits;
  }

  /**
   * Decodes {@code raw} (gzip if {@code gzip}; OTLP/JSON if {@code json}, else protobuf). Inflated
   * bytes are taken from {@code lease}; the caller closes it once this returns.
   */
  Message decode(
      Signal signal,
      boolean json,
      boolean gzip,
      byte[] raw,
      MemoryBudget.Lease lease,
      Admission admission)
      throws Refused {
    byte[] body = gzip ? gunzip(raw, lease) : raw;
    RequestCost.Cost cost;
    try {
      cost = json ? RequestCost.json(body, maxItems) : RequestCost.protobuf(signal, body, maxItems);
    } catch (InvalidProtocolBufferException e) {
      throw malformed(signal, e);
    } catch (LimitExceededException e) {
      throw new Refused(400, RpcStatus.INVALID_ARGUMENT, "limit", e.getMessage());
    }
    if (!admission.admit(cost.heapBytes())) {
      throw new Refused(503, RpcStatus.UNAVAILABLE, "overloaded", "ingest queue full; retry later");
    }
    Message export;
    try {
      export = json ? OtlpJson.parse(signal, body) : signal.parse(body);
    } catch (InvalidProtocolBufferException e) {
      throw malformed(signal, e);
    }
    try {
      limits.check(export);
    } catch (LimitExceededException e) {
      throw new Refused(400, RpcStatus.INVALID_ARGUMENT, "limit", e.getMessage());
    }
    return export;
  }

  private static Refused malformed(Signal signal, InvalidProtocolBufferException e) {
    return new Refused(
        400,
        RpcStatus.INVALID_ARGUMENT,
        "malformed",
        "malformed " + signal.label() + " payload: " + e.getMessage());
  }

  /** Inflates, stopping as soon as the output would pass max-body-bytes or the budget. */
  private byte[] gunzip(byte[] compressed, MemoryBudget.Lease lease) throws Refused {
    byte[] chunk = new byte[CHUNK];
    ChargedBuffer out = ChargedBuffer.allocate(lease, Math.max(CHUNK, compressed.length * 2));
    if (out == null) {
      throw overBudget();
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), CHUNK)) {
      int n;
      while ((n = in.read(chunk)) > 0) {
        if (out.length() + (long) n > maxBodyBytes) {
          throw new Refused(
              413,
              RpcStatus.RESOURCE_EXHAUSTED,
              "too_large",
              "decompressed body exceeds " + maxBodyBytes + " bytes (max-body-bytes)");
        }
        if (!out.append(chunk, 0, n)) {
          throw overBudget();
        }
      }
    } catch (IOException e) {
      throw new Refused(
          400, RpcStatus.INVALID_ARGUMENT, "malformed", "unreadable body: " + e.getMessage());
    }
    return out.toArray();
  }

  static Refused overBudget() {
    return new Refused(
        503,
        RpcStatus.UNAVAILABLE,
        "overloaded",
        "bodies being received fill receive-buffer-bytes; retry later");
  }
}
