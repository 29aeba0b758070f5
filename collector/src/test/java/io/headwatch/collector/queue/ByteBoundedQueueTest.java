package io.headwatch.collector.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ByteBoundedQueueTest {
  @Test
  void boundedByCountAndBytes() throws Exception {
    ByteBoundedQueue<String> q = new ByteBoundedQueue<>(3, 100);
    assertTrue(q.offer("a", 60));
    assertFalse(q.offer("b", 50), "60 + 50 > 100 bytes");
    assertTrue(q.offer("c", 40));
    assertTrue(q.offer("d", 0));
    assertFalse(q.offer("e", 0), "3 items");
    assertEquals(100, q.bytes());
    assertEquals("a", q.poll(1, TimeUnit.SECONDS));
    assertEquals(40, q.bytes());
    assertTrue(q.offer("f", 60));
  }

  @Test
  void anEmptyQueueTakesOneItemOfAnySize() throws Exception {
    ByteBoundedQueue<String> q = new ByteBoundedQueue<>(3, 100);
    assertTrue(q.offer("big", 1_000));
    assertFalse(q.offer("small", 1));
    assertEquals("big", q.poll(1, TimeUnit.SECONDS));
    assertNull(q.poll(10, TimeUnit.MILLISECONDS));
  }
}
