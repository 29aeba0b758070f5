package io.headwatch.collector.receiver;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.headwatch.collector.ingest.LimitExceededException;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * What decoding a request will cost, found by walking its bytes without building anything: the
 * items it carries (spans, log records, metric data points; bounded by max-items-per-request) and
 * the heap the decoded request will hold. 15 KB of gzip can inflate to millions of empty log
 * records; this walk refuses them before a single object is made, and the heap estimate is what the
 * ingest queue reserves before decoding, so decoded requests never exceed ingest-queue-bytes.
 */
final class RequestCost {
  /** Deepest nesting walked: protobuf's own recursion limit. */
  static final int MAX_DEPTH = 100;

  /**
   * Heap a decoded protobuf message takes: a base (header, bookkeeping, its slot and growth in the
   * list that holds it) plus a slot per field its type declares. Calibrated against allocation
   * measured in RequestCostTest (an empty KeyValue takes about 113 bytes, an empty LogRecord 196).
   */
  static final long MESSAGE_BASE_BYTES = 112;

  static final long MESSAGE_BYTES_PER_FIELD = 10;

  /** Heap per string, bytes value, unknown field or element of a repeated number. */
  static final long VALUE_BYTES = 64;

  /** Heap per JSON value (Gson tree node and map entry, then protobuf's own tree and message). */
  static final long JSON_BYTES_PER_UNIT = 700;

  /** Heap per body byte: the body and the strings copied out of it (for JSON, several times). */
  static final long PROTOBUF_BYTES_PER_BYTE = 3;

  static final long JSON_BYTES_PER_BYTE = 12;

  private static final Set<Descriptor> ITEMS =
      Set.of(
          LogRecord.getDescriptor(),
          Span.getDescriptor(),
          NumberDataPoint.getDescriptor(),
          HistogramDataPoint.getDescriptor(),
          ExponentialHistogramDataPoint.getDescriptor(),
          SummaryDataPoint.getDescriptor());
  private static final Set<String> JSON_ITEM_ARRAYS =
      Set.of("logRecords", "log_records", "spans", "dataPoints", "data_points");

  /**
   * @param items spans, log records and metric data points
   * @param units objects the decoded form allocates (messages, strings, unknown fields, JSON
   *     values)
   * @param heapBytes estimated heap the decoded request holds (and takes to decode)
   */
  record Cost(long items, long units, long heapBytes) {}

  private RequestCost() {}

  /** Walks a protobuf body of the signal's request type. */
  static Cost protobuf(Signal signal, byte[] body, long maxItems)
      throws InvalidProtocolBufferException, LimitExceededException {
    Walk w = new Walk(maxItems);
    CodedInputStream in = CodedInputStream.newInstance(body);
    try {
      w.message(in, signal.descriptor(), 0);
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e.getMessage());
    }
    return new Cost(w.items, w.units, body.length * PROTOBUF_BYTES_PER_BYTE + w.heap);
  }

  private static final class Walk {
    final long maxItems;
    long items;
    long units;
    long heap;

    Walk(long maxItems) {
      this.maxItems = maxItems;
    }

    void message(CodedInputStream in, Descriptor d, int depth)
        throws IOException, LimitExceededException {
      if (depth > MAX_DEPTH) {
        throw new InvalidProtocolBufferException("nesting deeper than " + MAX_DEPTH);
      }
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          return;
        }
        FieldDescriptor f = d.findFieldByNumber(WireFormat.getTagFieldNumber(tag));
        int wireType = WireFormat.getTagWireType(tag);
        if (f != null
            && f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
            && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          int length = in.readRawVarint32();
          if (length < 0) {
            throw new InvalidProtocolBufferException("negative length");
          }
          int old = in.pushLimit(length);
          units++;
          heap +=
              MESSAGE_BASE_BYTES + MESSAGE_BYTES_PER_FIELD * f.getMessageType().getFields().size();
          if (ITEMS.contains(f.getMessageType()) && ++items > maxItems) {
            throw new LimitExceededException(
                "max-items-per-request", maxItems, "more than " + maxItems + " items in a request");
          }
          message(in, f.getMessageType(), depth + 1);
          in.popLimit(old);
        } else {
          if (f == null || wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED || f.isRepeated()) {
            // An unknown field, a string or bytes, or one element of a repeated scalar: each is an
            // object (or a list slot) in the decoded message. Known singular scalars are not.
            units++;
            heap += VALUE_BYTES;
          }
          if (!in.skipField(tag)) {
            return;
          }
        }
      }
    }
  }

  /** Walks an OTLP/JSON body; the same items, every JSON value a unit. */
  static Cost json(byte[] body, long maxItems)
      throws InvalidProtocolBufferException, LimitExceededException {
    long items = 0;
    long units = 0;
    // Per open container: is it an item array (its object elements are items)?
    Deque<Boolean> itemArray = new ArrayDeque<>();
    String name = null;
    try (JsonReader r =
        new JsonReader(
            new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8))) {
      r.setNestingLimit(MAX_DEPTH);
      while (true) {
        JsonToken t = r.peek();
        if (t == JsonToken.END_DOCUMENT) {
          break;
        }
        boolean inItemArray = Boolean.TRUE.equals(itemArray.peek());
        switch (t) {
          case BEGIN_OBJECT -> {
            units++;
            if (inItemArray && ++items > maxItems) {
              throw new LimitExceededException(
                  "max-items-per-request",
                  maxItems,
                  "more than " + maxItems + " items in a request");
            }
            r.beginObject();
            itemArray.push(false);
          }
          case BEGIN_ARRAY -> {
            units++;
            r.beginArray();
            itemArray.push(name != null && JSON_ITEM_ARRAYS.contains(name));
          }
          case END_OBJECT -> {
            r.endObject();
            itemArray.pop();
          }
          case END_ARRAY -> {
            r.endArray();
            itemArray.pop();
          }
          case NAME -> {
            name = r.nextName();
            units++;
            continue;
          }
          default -> {
            units++;
            r.skipValue();
          }
        }
        name = null;
      }
    } catch (LimitExceededException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new InvalidProtocolBufferException("invalid JSON: " + e.getMessage());
    }
    return new Cost(items, units, body.length * JSON_BYTES_PER_BYTE + units * JSON_BYTES_PER_UNIT);
  }
}
