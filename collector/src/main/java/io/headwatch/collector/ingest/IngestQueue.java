package io.headwatch.collector.ingest;

import com.google.protobuf.Message;
import io.headwatch.collector.queue.ByteBoundedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bounded queue between the HTTP receiver and the ingest worker, bounded by requests and by
 * their decoded body bytes. When it is full the receiver answers 503 with Retry-After, so agents
 * back off instead of the collector running out of memory.
 */
public final class IngestQueue {
  /** One decoded export request and when it arrived. */
  public record Item(Message request, long receivedMillis) {}

  private final ByteBoundedQueue<Item> queue;

  public IngestQueue(int maxRequests, long maxBytes) {
    this.queue = new ByteBoundedQueue<>(maxRequests, maxBytes);
  }

  /** False when the queue is full; {@code bodyBytes} is the decoded body's size. */
  public boolean offer(Message request, long bodyBytes, long receivedMillis) {
    return queue.offer(new Item(request, receivedMillis), bodyBytes);
  }

  Item poll(long timeoutMillis) throws InterruptedException {
    return queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  public int size() {
    return queue.size();
  }
}
