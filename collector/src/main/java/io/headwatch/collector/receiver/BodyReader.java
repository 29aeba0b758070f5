package io.headwatch.collector.receiver;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Reads a request body with a size bound that holds while reading (chunked bodies carry no length)
 * and, for gzip, while inflating: a gzip bomb stops at the bound, never inflated in full.
 */
final class BodyReader {
  private static final int CHUNK = 16 * 1024;

  private BodyReader() {}

  /** Reads at most {@code max} bytes; more is a {@link BodyTooLargeException}. */
  static byte[] readBounded(InputStream in, long max, String what) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[CHUNK];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > max) {
        throw new BodyTooLargeException(what + " exceeds " + max + " bytes");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  /** Reads and drops at most {@code max} bytes. */
  static void discard(InputStream in, long max) throws IOException {
    byte[] buf = new byte[CHUNK];
    long total = 0;
    int n;
    while (total < max && (n = in.read(buf)) > 0) {
      total += n;
    }
  }

  /** Inflates a gzip body, stopping as soon as the output would exceed {@code max}. */
  static byte[] gunzip(byte[] compressed, long max) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), CHUNK)) {
      return readBounded(in, max, "decompressed body");
    }
  }
}
