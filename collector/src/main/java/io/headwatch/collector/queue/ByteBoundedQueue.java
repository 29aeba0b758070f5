package io.headwatch.collector.queue;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A FIFO bounded both by item count and by the bytes its items stand for, so that a few large
 * requests cannot fill memory the way a count bound alone would allow. One item is always admitted
 * into an empty queue, whatever its size, so a single large request is never refused forever.
 */
public final class ByteBoundedQueue<T> {
  private record Entry<T>(T item, long bytes) {}

  private final int maxItems;
  private final long maxBytes;
  private final ArrayDeque<Entry<T>> items = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private long bytes;

  public ByteBoundedQueue(int maxItems, long maxBytes) {
    this.maxItems = maxItems;
    this.maxBytes = maxBytes;
  }

  /** Adds the item unless that would pass a bound; false means refused. */
  public boolean offer(T item, long itemBytes) {
    lock.lock();
    try {
      if (!items.isEmpty() && (items.size() >= maxItems || bytes + itemBytes > maxBytes)) {
        return false;
      }
      items.addLast(new Entry<>(item, itemBytes));
      bytes += itemBytes;
      notEmpty.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The oldest item, waiting up to the timeout; null if none came. */
  public T poll(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lockInterruptibly();
    try {
      while (items.isEmpty()) {
        if (nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      Entry<T> e = items.removeFirst();
      bytes -= e.bytes();
      return e.item();
    } finally {
      lock.unlock();
    }
  }

  public int size() {
    lock.lock();
    try {
      return items.size();
    } finally {
      lock.unlock();
    }
  }

  public boolean isEmpty() {
    return size() == 0;
  }

  /** Bytes of the queued items. */
  public long bytes() {
    lock.lock();
    try {
      return bytes;
    } finally {
      lock.unlock();
    }
  }
}
