package io.headwatch.e2e.faults;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Walks the fields of one protobuf message held in a byte array, without a schema. Each call to
 * {@link #next()} moves to the next field and exposes its number, wire type and, for
 * length-delimited fields, where the payload lies in the array, so that an editor can overwrite a
 * payload in place or re-frame a message.
 */
final class WireFields {
  static final int VARINT = 0;
  static final int I64 = 1;
  static final int LEN = 2;
  static final int I32 = 5;

  private final byte[] bytes;
  private final int end;
  private int pos;

  private int fieldStart;
  private int number;
  private int wireType;
  private long varint;
  private int payloadStart;
  private int payloadEnd;

  WireFields(byte[] bytes, int start, int end) {
    if (start < 0 || end > bytes.length || start > end) {
      throw new IllegalArgumentException(
          "message bounds [" + start + ", " + end + ") outside an array of " + bytes.length);
    }
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
  }

  /** Moves to the next field; false at the end of the message. */
  boolean next() {
    if (pos >= end) {
      return false;
    }
    fieldStart = pos;
    long tag = readVarint();
    number = (int) (tag >>> 3);
    wireType = (int) (tag & 7);
    if (number <= 0) {
      throw new MalformedProtoException("field number 0 at byte " + fieldStart);
    }
    switch (wireType) {
      case VARINT -> varint = readVarint();
      case I64 -> skip(8);
      case I32 -> skip(4);
      case LEN -> {
        long length = readVarint();
        if (length < 0 || length > end - pos) {
          throw new MalformedProtoException(
              "field " + number + " at byte " + fieldStart + " claims " + length + " bytes");
        }
        payloadStart = pos;
        payloadEnd = pos + (int) length;
        pos = payloadEnd;
      }
      default ->
          throw new MalformedProtoException(
              "wire type " + wireType + " of field " + number + " at byte " + fieldStart);
    }
    return true;
  }

  int number() {
    return number;
  }

  int wireType() {
    return wireType;
  }

  /** Where the current field's tag starts. */
  int fieldStart() {
    return fieldStart;
  }

  /** The value of the current VARINT field. */
  long varint() {
    return varint;
  }

  int payloadStart() {
    return payloadStart;
  }

  int payloadEnd() {
    return payloadEnd;
  }

  /** The current LEN field's payload as UTF-8 text. */
  String text() {
    return new String(bytes, payloadStart, payloadEnd - payloadStart, StandardCharsets.UTF_8);
  }

  /** Decodes the current LEN field's payload as packed varints (a repeated scalar field). */
  void packedVarints(java.util.List<Long> out) {
    int p = payloadStart;
    while (p < payloadEnd) {
      long value = 0;
      int shift = 0;
      int b;
      do {
        if (p >= payloadEnd || shift > 63) {
          throw new MalformedProtoException("packed varints cut off at byte " + p);
        }
        b = bytes[p++] & 0xFF;
        value |= (long) (b & 0x7F) << shift;
        shift += 7;
      } while ((b & 0x80) != 0);
      out.add(value);
    }
  }

  /** A walker over the current LEN field's payload, read as a nested message. */
  WireFields message() {
    return new WireFields(bytes, payloadStart, payloadEnd);
  }

  private long readVarint() {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= end) {
        throw new MalformedProtoException("varint cut off at byte " + pos);
      }
      int b = bytes[pos++] & 0xFF;
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new MalformedProtoException("varint longer than 10 bytes before byte " + pos);
  }

  private void skip(int n) {
    if (end - pos < n) {
      throw new MalformedProtoException("fixed-width field cut off at byte " + pos);
    }
    pos += n;
  }

  /** Appends a varint. */
  static void writeVarint(ByteArrayOutputStream out, long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) (v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
  }

  /** Appends a LEN field: tag, length, payload. */
  static void writeLen(ByteArrayOutputStream out, int number, byte[] payload) {
    writeVarint(out, ((long) number << 3) | LEN);
    writeVarint(out, payload.length);
    out.writeBytes(payload);
  }

  /** Appends a VARINT field. */
  static void writeVarintField(ByteArrayOutputStream out, int number, long value) {
    writeVarint(out, ((long) number << 3) | VARINT);
    writeVarint(out, value);
  }
}
