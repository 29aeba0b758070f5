package io.headwatch.collector.receiver;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A growable byte array whose every allocation is taken from a {@link MemoryBudget.Lease} first:
 * the bytes a body holds while it is read or inflated are counted as they are allocated.
 */
final class ChargedBuffer {
  private final MemoryBudget.Lease lease;
  private byte[] buf;
  private int length;

  private ChargedBuffer(MemoryBudget.Lease lease, byte[] buf) {
    this.lease = lease;
    this.buf = buf;
  }

  /** A buffer of {@code initial} bytes; null when the budget refuses them. */
  static ChargedBuffer allocate(MemoryBudget.Lease lease, int initial) {
    return lease.take(initial) ? new ChargedBuffer(lease, new byte[initial]) : null;
  }

  /** Appends; false (nothing appended) when growing is refused by the budget. */
  boolean append(ByteBuffer src) {
    int n = src.remaining();
    if (!ensure(n)) {
      return false;
    }
    src.get(buf, length, n);
    length += n;
    return true;
  }

  boolean append(byte[] src, int off, int n) {
    if (!ensure(n)) {
      return false;
    }
    System.arraycopy(src, off, buf, length, n);
    length += n;
    return true;
  }

  private boolean ensure(int n) {
    if (length + n <= buf.length) {
      return true;
    }
    long want = Math.max((long) length + n, Math.min(Integer.MAX_VALUE - 8, buf.length * 2L));
    if (want > Integer.MAX_VALUE - 8 || !lease.take(want)) {
      return false;
    }
    buf = Arrays.copyOf(buf, (int) want);
    return true;
  }

  int length() {
    return length;
  }

  /** The bytes, exactly; a copy (charged) unless the buffer is full. */
  byte[] toArray() {
    if (length == buf.length) {
      return buf;
    }
    if (!lease.take(length)) {
      // The copy is needed anyway; a refusal here would only lose what was read.
      lease.force(length);
    }
    return Arrays.copyOf(buf, length);
  }
}
