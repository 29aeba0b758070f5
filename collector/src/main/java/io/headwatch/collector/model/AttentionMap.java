package io.headwatch.collector.model;

import java.util.List;

/**
 * One sequence's attention maps, from a {@code headwatch.attention_map} log record: for every
 * (layer, head), the weights of each of the {@code tokens} query positions over the key positions,
 * in one of two compact encodings (docs/telemetry.md):
 *
 * <ul>
 *   <li>{@code u8}: layers × heads × tokens × tokens bytes, order [layer][head][query][key], each
 *       byte round(weight × 255);
 *   <li>{@code topk_u8}: for each [layer][head][query], {@code topK} entries of 3 bytes — the key
 *       index (uint16, little endian), then round(weight × 255) — strongest first; unused entries
 *       have key index 0xFFFF.
 * </ul>
 *
 * @param tokenTexts the tokens when the agent captured them, else null
 * @param reason why the agent kept this map ("random", "unusual", "operator"), or null
 */
public record AttentionMap(
    String traceId,
    String spanId,
    long timeNanos,
    String model,
    int batchIndex,
    int layers,
    int heads,
    int tokens,
    Encoding encoding,
    int topK,
    String reason,
    List<String> tokenTexts,
    byte[] body) {

  /** Largest token count accepted: a u8 map of one head is then 16 MiB at most. */
  public static final int MAX_TOKENS = 4096;

  /** Key index of an unused top-k entry. */
  static final int UNUSED = 0xFFFF;

  /** The two encodings, by their attribute value. */
  public enum Encoding {
    U8("u8"),
    TOPK_U8("topk_u8");

    private final String value;

    Encoding(String value) {
      this.value = value;
    }

    /** The {@code headwatch.map.encoding} value. */
    public String value() {
      return value;
    }

    /** The encoding with this attribute value, or null. */
    public static Encoding of(String value) {
      for (Encoding e : values()) {
        if (e.value.equals(value)) {
          return e;
        }
      }
      return null;
    }
  }

  /** Bytes a body must have for this shape; -1 if the shape itself is invalid. */
  public static long expectedBytes(int layers, int heads, int tokens, Encoding encoding, int topK) {
    if (layers <= 0 || heads <= 0 || tokens <= 0 || tokens > MAX_TOKENS || encoding == null) {
      return -1;
    }
    long rows = (long) layers * heads * tokens;
    if (encoding == Encoding.U8) {
      return rows * tokens;
    }
    if (topK <= 0 || topK > tokens) {
      return -1;
    }
    return rows * topK * 3;
  }

  /**
   * What is wrong with this map (a shape that does not match the body, a key index out of range),
   * or null when it can be decoded.
   */
  public String problem() {
    long expected = expectedBytes(layers, heads, tokens, encoding, topK);
    if (expected < 0) {
      return "invalid shape: layers "
          + layers
          + ", heads "
          + heads
          + ", tokens "
          + tokens
          + ", encoding "
          + (encoding == null ? "unknown" : encoding.value())
          + ", top_k "
          + topK;
    }
    if (body == null || body.length != expected) {
      return "body has " + (body == null ? 0 : body.length) + " bytes, expected " + expected;
    }
    if (encoding == Encoding.TOPK_U8) {
      for (int i = 0; i < body.length; i += 3) {
        int key = (body[i] & 0xff) | (body[i + 1] & 0xff) << 8;
        if (key != UNUSED && key >= tokens) {
          return "key index " + key + " at byte " + i + " is not below " + tokens + " tokens";
        }
      }
    }
    return null;
  }

  /**
   * One head's weights, [query][key] in [0, 1] (byte / 255). With {@code topk_u8} the keys a row
   * did not keep are 0. The map must be valid ({@link #problem()} null).
   */
  public float[][] head(int layer, int head) {
    if (layer < 0 || layer >= layers || head < 0 || head >= heads) {
      throw new IndexOutOfBoundsException(
          "layer " + layer + " head " + head + " of " + layers + " x " + heads);
    }
    int n = tokens;
    float[][] out = new float[n][n];
    int headIndex = layer * heads + head;
    if (encoding == Encoding.U8) {
      int base = headIndex * n * n;
      for (int q = 0; q < n; q++) {
        for (int k = 0; k < n; k++) {
          out[q][k] = (body[base + q * n + k] & 0xff) / 255f;
        }
      }
    } else {
      int base = headIndex * n * topK * 3;
      for (int q = 0; q < n; q++) {
        for (int e = 0; e < topK; e++) {
          int at = base + (q * topK + e) * 3;
          int key = (body[at] & 0xff) | (body[at + 1] & 0xff) << 8;
          if (key != UNUSED) {
            out[q][key] = (body[at + 2] & 0xff) / 255f;
          }
        }
      }
    }
    return out;
  }
}
