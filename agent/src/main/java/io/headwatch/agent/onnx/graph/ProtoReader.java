package io.headwatch.agent.onnx.graph;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A minimal protobuf wire-format reader over a slice of a byte buffer (a heap array or a
 * memory-mapped model file: either way only the bytes it reads are touched).
 *
 * <p>The agent reads ONNX models without the ONNX or protobuf libraries: it needs only a handful of
 * fields (nodes, their inputs/outputs/op types, graph outputs), and bundling protobuf-java would
 * add a megabyte and a version-clash risk to every host application.
 */
final class ProtoReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  private final ByteBuffer buf;
  private int pos;
  private final int limit;

  // Where the last length-delimited field's payload starts and ends (valid after readTag() returned
  // a LENGTH_DELIMITED field and before skip()/readBytes()).
  private int tagStart;

  ProtoReader(byte[] buf, int offset, int length) {
    this(ByteBuffer.wrap(buf), offset, length);
  }

  ProtoReader(ByteBuffer buf, int offset, int length) {
    if (offset < 0 || length < 0 || (long) offset + length > buf.limit()) {
      throw new MalformedModelException("slice out of bounds");
    }
    this.buf = buf;
    this.pos = offset;
    this.limit = offset + length;
  }

  boolean hasMore() {
    return pos < limit;
  }

  /** Position of the first byte of the last tag read. */
  int tagStart() {
    return tagStart;
  }

  int position() {
    return pos;
  }

  /**
   * Reads the next tag and returns it; field number is {@code tag >>> 3}, wire type {@code tag &
   * 7}.
   */
  int readTag() {
    tagStart = pos;
    long tag = readVarint();
    if (tag <= 0 || tag > Integer.MAX_VALUE) {
      throw new MalformedModelException("bad tag " + tag + " at " + tagStart);
    }
    return (int) tag;
  }

  long readVarint() {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) {
        throw new MalformedModelException("truncated varint");
      }
      byte b = buf.get(pos++);
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new MalformedModelException("varint too long");
  }

  /** Reads a length prefix and returns the payload's start; the reader moves past the payload. */
  int readLengthDelimitedStart() {
    long len = readVarint();
    if (len < 0 || len > limit - pos) {
      throw new MalformedModelException("length " + len + " exceeds remaining " + (limit - pos));
    }
    int start = pos;
    pos += (int) len;
    return start;
  }

  String readString() {
    long len = readVarint();
    if (len < 0 || len > limit - pos) {
      throw new MalformedModelException("string length " + len + " exceeds remaining");
    }
    byte[] bytes = new byte[(int) len];
    buf.get(pos, bytes);
    String s = new String(bytes, StandardCharsets.UTF_8);
    pos += (int) len;
    return s;
  }

  /** A nested message reader over the next length-delimited payload. */
  ProtoReader readMessage() {
    long len = readVarint();
    if (len < 0 || len > limit - pos) {
      throw new MalformedModelException("message length " + len + " exceeds remaining");
    }
    ProtoReader nested = new ProtoReader(buf, pos, (int) len);
    pos += (int) len;
    return nested;
  }

  float readFixed32AsFloat() {
    if (limit - pos < 4) {
      throw new MalformedModelException("truncated fixed32");
    }
    int bits =
        (buf.get(pos) & 0xFF)
            | (buf.get(pos + 1) & 0xFF) << 8
            | (buf.get(pos + 2) & 0xFF) << 16
            | (buf.get(pos + 3) & 0xFF) << 24;
    pos += 4;
    return Float.intBitsToFloat(bits);
  }

  void skip(int wireType) {
    switch (wireType) {
      case VARINT:
        readVarint();
        break;
      case FIXED64:
        advance(8);
        break;
      case LENGTH_DELIMITED:
        readLengthDelimitedStart();
        break;
      case FIXED32:
        advance(4);
        break;
      default:
        throw new MalformedModelException("unsupported wire type " + wireType);
    }
  }

  private void advance(int n) {
    if (limit - pos < n) {
      throw new MalformedModelException("truncated field");
    }
    pos += n;
  }
}
