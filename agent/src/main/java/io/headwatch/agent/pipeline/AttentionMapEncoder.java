package io.headwatch.agent.pipeline;

import io.headwatch.agent.capture.Capture;
import io.headwatch.agent.capture.LayerTensor;
import java.util.Arrays;

/**
 * One sequence's attention maps, every layer and head, over its valid positions, compactly: one
 * byte per weight ({@code u8}, {@code round(weight * 255)}) for sequences of at most {@code
 * fullMaxTokens} tokens; beyond, each query's {@code topK} largest weights as (key index: uint16
 * little-endian, weight: u8), largest first, unused entries key 0xFFFF ({@code topk_u8}). The
 * layout is the telemetry contract's (docs/telemetry.md, "Attention map records").
 */
final class AttentionMapEncoder {
  static final String U8 = "u8";
  static final String TOP_K_U8 = "topk_u8";

  /** An encoded sequence: its body and what the record says about it. */
  record Encoded(int layers, int heads, int tokens, String encoding, int topK, byte[] body) {}

  private final int fullMaxTokens;
  private final int topK;

  AttentionMapEncoder(int fullMaxTokens, int topK) {
    this.fullMaxTokens = fullMaxTokens;
    this.topK = topK;
  }

  /** The bytes sequence {@code b}'s maps would take, without encoding them; -1 if it has none. */
  long size(Capture capture, int b) {
    int[] valid = validIndices(capture, b);
    if (valid == null) {
      return -1;
    }
    long cells = (long) layers(capture) * heads(capture) * valid.length;
    return valid.length <= fullMaxTokens
        ? cells * valid.length
        : cells * Math.min(topK, valid.length) * 3;
  }

  /** Sequence {@code b}'s maps, or null when the capture holds no square attention. */
  Encoded encode(Capture capture, int b) {
    int[] valid = validIndices(capture, b);
    if (valid == null) {
      return null;
    }
    int layers = layers(capture);
    int heads = heads(capture);
    int n = valid.length;
    boolean full = n <= fullMaxTokens;
    int k = Math.min(topK, n);
    int perHead = full ? n * n : n * k * 3;
    byte[] body = new byte[layers * heads * perHead];
    for (LayerTensor site : capture.attention()) {
      long[] shape = site.tensor().shape();
      if (shape.length != 4 || shape[1] != heads || site.layer() >= layers) {
        continue; // a layer shaped unlike the first stays zero
      }
      int length = (int) shape[2];
      float[] values = site.tensor().values();
      for (int h = 0; h < heads; h++) {
        int out = (site.layer() * heads + h) * perHead;
        int headBase = (b * heads + h) * length * length;
        for (int qi = 0; qi < n; qi++) {
          int row = headBase + valid[qi] * length;
          if (full) {
            for (int kj = 0; kj < n; kj++) {
              body[out++] = quantize(values[row + valid[kj]]);
            }
          } else {
            out = writeTopK(values, row, valid, k, body, out);
          }
        }
      }
    }
    return new Encoded(layers, heads, n, full ? U8 : TOP_K_U8, full ? 0 : k, body);
  }

  private static int writeTopK(float[] values, int row, int[] valid, int k, byte[] body, int out) {
    int[] best = new int[k];
    Arrays.fill(best, -1);
    for (int kj = 0; kj < valid.length; kj++) {
      float w = values[row + valid[kj]];
      if (!(w > 0)) {
        continue; // zero (and NaN) weights are not among the largest
      }
      int slot = k - 1;
      if (best[slot] >= 0 && !(w > values[row + valid[best[slot]]])) {
        continue;
      }
      while (slot > 0 && (best[slot - 1] < 0 || w > values[row + valid[best[slot - 1]]])) {
        best[slot] = best[slot - 1];
        slot--;
      }
      best[slot] = kj;
    }
    for (int e = 0; e < k; e++) {
      int key = best[e];
      if (key < 0) {
        body[out++] = (byte) 0xFF;
        body[out++] = (byte) 0xFF;
        body[out++] = 0;
      } else {
        body[out++] = (byte) key;
        body[out++] = (byte) (key >>> 8);
        body[out++] = quantize(values[row + valid[key]]);
      }
    }
    return out;
  }

  /** round(w * 255), clamped to [0, 255]; NaN as 0. */
  static byte quantize(float w) {
    if (!(w > 0)) {
      return 0;
    }
    return (byte) Math.min(255, Math.round(w * 255f));
  }

  private static int layers(Capture capture) {
    int layers = 0;
    for (LayerTensor t : capture.attention()) {
      layers = Math.max(layers, t.layer() + 1);
    }
    return layers;
  }

  private static int heads(Capture capture) {
    return capture.attention().isEmpty() ? 0 : (int) capture.attention().get(0).tensor().shape()[1];
  }

  /** The valid positions of sequence {@code b} (indices into its rows), or null. */
  private static int[] validIndices(Capture capture, int b) {
    if (capture.attention().isEmpty()) {
      return null;
    }
    long[] shape = capture.attention().get(0).tensor().shape();
    if (shape.length != 4 || shape[2] != shape[3] || b >= shape[0] || shape[2] > 65535) {
      return null;
    }
    int length = (int) shape[2];
    boolean[] valid = capture.validPositions(b, length);
    int n = 0;
    for (boolean v : valid) {
      n += v ? 1 : 0;
    }
    if (n == 0) {
      return null;
    }
    int[] idx = new int[n];
    for (int i = 0, j = 0; i < length; i++) {
      if (valid[i]) {
        idx[j++] = i;
      }
    }
    return idx;
  }
}
