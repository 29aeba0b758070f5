package io.headwatch.collector.receiver;

/**
 * Bytes of request bodies being read and inflated at once, across all connections
 * (receive-buffer-bytes). A request takes bytes as they arrive and gives them back when it is
 * decoded; when the budget is spent, new bytes are refused and the request is answered 503, so many
 * large or slow bodies together cannot fill the heap. When nothing is held, one request may take
 * any amount, so that a single allowed request always gets through.
 */
final class MemoryBudget {
  private final long max;
  private long used;

  MemoryBudget(long max) {
    this.max = max;
  }

  /** Bytes taken by one request; {@link #close} gives them all back. */
  final class Lease implements AutoCloseable {
    private long taken;

    /** Takes {@code n} more bytes; false (nothing taken) when the budget is spent. */
    boolean take(long n) {
      synchronized (MemoryBudget.this) {
        if (used > taken && used + n > max) {
          return false;
        }
        used += n;
        taken += n;
        return true;
      }
    }

    /** Takes {@code n} bytes even past the budget (memory already committed to). */
    void force(long n) {
      synchronized (MemoryBudget.this) {
        used += n;
        taken += n;
      }
    }

    @Override
    public void close() {
      synchronized (MemoryBudget.this) {
        used -= taken;
        taken = 0;
      }
    }
  }

  Lease lease() {
    return new Lease();
  }

  synchronized long used() {
    return used;
  }
}
