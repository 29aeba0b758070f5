package io.headwatch.collector.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The two map encodings of the telemetry contract, decoded by hand. */
class AttentionMapTest {
  private static AttentionMap map(
      int layers, int heads, int tokens, AttentionMap.Encoding e, int topK, int... bytes) {
    byte[] body = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      body[i] = (byte) bytes[i];
    }
    return new AttentionMap(
        "t", "s", 1L, "m", 0, layers, heads, tokens, e, topK, "random", null, body);
  }

  @Test
  void u8IsLayerHeadQueryKeyWithBytesOver255() {
    // 1 layer, 2 heads, 2 tokens: head 0 then head 1, each row-major [query][key].
    AttentionMap m = map(1, 2, 2, AttentionMap.Encoding.U8, 0, 255, 0, 128, 127, 10, 20, 30, 40);
    assertNull(m.problem());
    float[][] h0 = m.head(0, 0);
    assertArrayEquals(new float[] {1f, 0f}, h0[0]);
    assertArrayEquals(new float[] {128 / 255f, 127 / 255f}, h0[1]);
    float[][] h1 = m.head(0, 1);
    assertArrayEquals(new float[] {10 / 255f, 20 / 255f}, h1[0]);
    assertArrayEquals(new float[] {30 / 255f, 40 / 255f}, h1[1]);
  }

  @Test
  void topKEntriesAreLittleEndianKeyThenWeightAndUnusedIsFfff() {
    // 1 layer, 1 head, 3 tokens, k = 2.
    AttentionMap m =
        map(
            1,
            1,
            3,
            AttentionMap.Encoding.TOPK_U8,
            2,
            // query 0: key 2 weight 200, unused
            2,
            0,
            200,
            0xff,
            0xff,
            0,
            // query 1: key 0 weight 255, key 1 weight 0
            0,
            0,
            255,
            1,
            0,
            0,
            // query 2: key 1 weight 100, key 2 weight 50
            1,
            0,
            100,
            2,
            0,
            50);
    assertNull(m.problem());
    float[][] w = m.head(0, 0);
    assertArrayEquals(new float[] {0f, 0f, 200 / 255f}, w[0]);
    assertArrayEquals(new float[] {1f, 0f, 0f}, w[1]);
    assertArrayEquals(new float[] {0f, 100 / 255f, 50 / 255f}, w[2]);
  }

  @Test
  void aKeyIndexAbove255IsReadAsTwoBytes() {
    int n = 300;
    byte[] body = new byte[n * 3];
    // query 299 keeps key 258 (0x0102) with weight 77; every other entry unused.
    for (int q = 0; q < n; q++) {
      body[q * 3] = (byte) 0xff;
      body[q * 3 + 1] = (byte) 0xff;
    }
    body[299 * 3] = 0x02;
    body[299 * 3 + 1] = 0x01;
    body[299 * 3 + 2] = 77;
    AttentionMap m =
        new AttentionMap(
            "t", "s", 1, "m", 0, 1, 1, n, AttentionMap.Encoding.TOPK_U8, 1, null, null, body);
    assertNull(m.problem());
    assertEquals(77 / 255f, m.head(0, 0)[299][258]);
  }

  @Test
  void shapesAndBodiesThatDoNotAgreeAreNamed() {
    assertEquals(
        "body has 3 bytes, expected 4",
        map(1, 1, 2, AttentionMap.Encoding.U8, 0, 1, 2, 3).problem());
    assertEquals(
        "key index 3 at byte 0 is not below 3 tokens",
        map(1, 1, 3, AttentionMap.Encoding.TOPK_U8, 1, 3, 0, 9, 0, 0, 9, 0, 0, 9).problem());
    assertTrue(
        map(1, 1, 2, AttentionMap.Encoding.TOPK_U8, 3).problem().startsWith("invalid shape"));
    assertTrue(map(1, 1, 2, null, 0).problem().contains("encoding unknown"));
    assertTrue(map(0, 1, 2, AttentionMap.Encoding.U8, 0).problem().startsWith("invalid shape"));
    assertEquals(
        6L * 12 * 64 * 64, AttentionMap.expectedBytes(6, 12, 64, AttentionMap.Encoding.U8, 0));
    assertEquals(
        6L * 12 * 128 * 8 * 3,
        AttentionMap.expectedBytes(6, 12, 128, AttentionMap.Encoding.TOPK_U8, 8));
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> map(1, 1, 1, AttentionMap.Encoding.U8, 0, 5).head(1, 0));
  }
}
