package io.headwatch.collector.ingest;

import com.google.protobuf.Message;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bounded queue between the HTTP receiver and the ingest worker. When it is full the receiver
 * answers 503 with Retry-After, so agents back off instead of the collector running out of memory.
 */
public final class IngestQueue {
  /** One decoded export request and when it arrived. */
  public record Item(Message request, long receivedMillis) {}

  private final BlockingQueue<Item> queue;

  public IngestQueue(int capacity) {
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  /** False when the queue is full. */
  public boolean offer(Message request, long receivedMillis) {
    return queue.offer(new Item(request, receivedMillis));
  }

  Item poll(long timeoutMillis) throws InterruptedException {
    return queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  public int size() {
    return queue.size();
  }
}
