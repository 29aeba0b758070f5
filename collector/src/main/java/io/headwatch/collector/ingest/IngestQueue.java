package io.headwatch.collector.ingest;

import com.google.protobuf.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-over between the HTTP receiver and the ingest worker. Bounded by requests
 * waiting, and by the bytes of requests not yet answered (waiting or being applied): a request's
 * bytes are released only when it is done, because its receiver holds it until then. When either
 * bound is reached the receiver answers 503 with Retry-After, so agents back off instead of the
 * collector running out of memory. One request is always admitted when nothing is held, whatever
 * its size, so a single large (allowed) request is never refused forever.
 */
public final class IngestQueue {
  /**
   * One decoded export request. {@code done} completes normally once the request is applied (its
   * spans and snapshots durable in the store), exceptionally if it could not be.
   */
  public static final class Item {
    private final Message request;
    private final long receivedMillis;
    private final long bytes;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    Item(Message request, long receivedMillis, long bytes) {
      this.request = request;
      this.receivedMillis = receivedMillis;
      this.bytes = bytes;
    }

    public Message request() {
      return request;
    }

    public long receivedMillis() {
      return receivedMillis;
    }

    /** Completes when the request is applied (normally) or refused (exceptionally). */
    public CompletableFuture<Void> done() {
      return done;
    }
  }

  private final int maxWaiting;
  private final long maxBytes;
  private final ArrayDeque<Item> waiting = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private long heldBytes;
  private int held;

  public IngestQueue(int maxWaiting, long maxBytes) {
    this.maxWaiting = maxWaiting;
    this.maxBytes = maxBytes;
  }

  /**
   * Holds {@code bytes} of the byte bound for a request about to be decoded; null when that would
   * pass the bound. Reserve before decoding, so that the decoded request never exceeds the bound.
   */
  public Reservation reserve(long bytes) {
    lock.lock();
    try {
      if (held > 0 && heldBytes + bytes > maxBytes) {
        return null;
      }
      held++;
      heldBytes += bytes;
      return new Reservation(bytes);
    } finally {
      lock.unlock();
    }
  }

  /** Bytes reserved for a request not yet queued; {@link #enqueue} it or {@link #cancel} it. */
  public final class Reservation {
    private final long bytes;
    private boolean settled;

    private Reservation(long bytes) {
      this.bytes = bytes;
    }

    /** Queues the decoded request; null (and the bytes released) when too many are waiting. */
    public Item enqueue(Message request, long receivedMillis) {
      Item item = new Item(request, receivedMillis, bytes);
      lock.lock();
      try {
        settle();
        if (waiting.size() >= maxWaiting) {
          releaseLocked(bytes);
          return null;
        }
        waiting.addLast(item);
        notEmpty.signal();
      } finally {
        lock.unlock();
      }
      item.done.whenComplete((v, e) -> release(item.bytes));
      return item;
    }

    /** Gives the bytes back (the request was refused while decoding). */
    public void cancel() {
      lock.lock();
      try {
        settle();
        releaseLocked(bytes);
      } finally {
        lock.unlock();
      }
    }

    private void settle() {
      if (settled) {
        throw new IllegalStateException("reservation already used");
      }
      settled = true;
    }
  }

  /** Reserves and queues in one step; null when a bound is reached. */
  public Item offer(Message request, long bytes, long receivedMillis) {
    Reservation r = reserve(bytes);
    return r == null ? null : r.enqueue(request, receivedMillis);
  }

  /** The byte bound (ingest-queue-bytes). */
  public long maxBytes() {
    return maxBytes;
  }

  private void release(long bytes) {
    lock.lock();
    try {
      releaseLocked(bytes);
    } finally {
      lock.unlock();
    }
  }

  private void releaseLocked(long bytes) {
    held--;
    heldBytes -= bytes;
  }

  /**
   * Up to {@code max} waiting items, oldest first: waits up to the timeout for the first, then
   * takes what is there without waiting. Empty if none came.
   */
  List<Item> pollBatch(int max, long timeoutMillis) throws InterruptedException {
    long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    lock.lockInterruptibly();
    try {
      while (waiting.isEmpty()) {
        if (nanos <= 0) {
          return List.of();
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      List<Item> out = new ArrayList<>(Math.min(max, waiting.size()));
      while (!waiting.isEmpty() && out.size() < max) {
        out.add(waiting.removeFirst());
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** Fails every waiting request (their receivers answer 503); used when stopping. */
  public void failWaiting(Throwable why) {
    List<Item> out;
    lock.lock();
    try {
      out = new ArrayList<>(waiting);
      waiting.clear();
    } finally {
      lock.unlock();
    }
    out.forEach(i -> i.done.completeExceptionally(why));
  }

  /** Requests waiting to be applied. */
  public int size() {
    lock.lock();
    try {
      return waiting.size();
    } finally {
      lock.unlock();
    }
  }

  /** Bytes of requests not yet answered. */
  public long heldBytes() {
    lock.lock();
    try {
      return heldBytes;
    } finally {
      lock.unlock();
    }
  }

  boolean isEmpty() {
    return size() == 0;
  }
}
