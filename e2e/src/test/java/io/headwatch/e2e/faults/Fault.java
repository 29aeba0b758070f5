package io.headwatch.e2e.faults;

/**
 * One fault written into a copy of the model's weights.
 *
 * <ul>
 *   <li>{@link Kind#QUERY_SCALE}: one head's query projection (weight columns and bias) times
 *       {@code factor}; 0 zeroes the queries, so that head attends uniformly. The attention pattern
 *       of that head changes.
 *   <li>{@link Kind#VALUE_SCALE}: one head's value projection times {@code factor}: its attention
 *       pattern is unchanged, its output (and everything after it) changes.
 *   <li>{@link Kind#NAN_QUERY}: one weight of one head's query projection set to NaN: that head's
 *       attention becomes NaN, and every later tensor with it.
 *   <li>{@link Kind#NAN_FFN}: one weight of the layer's feed-forward input projection set to NaN:
 *       the layer's attention is intact, its hidden state and everything after it are NaN.
 * </ul>
 *
 * @param head the head for query/value faults, -1 for {@link Kind#NAN_FFN}
 */
public record Fault(Kind kind, int layer, int head, float factor) {
  /** What is changed. */
  public enum Kind {
    QUERY_SCALE,
    VALUE_SCALE,
    NAN_QUERY,
    NAN_FFN
  }

  public static Fault queryScale(int layer, int head, float factor) {
    return new Fault(Kind.QUERY_SCALE, layer, head, factor);
  }

  public static Fault valueScale(int layer, int head, float factor) {
    return new Fault(Kind.VALUE_SCALE, layer, head, factor);
  }

  public static Fault nanQuery(int layer, int head) {
    return new Fault(Kind.NAN_QUERY, layer, head, Float.NaN);
  }

  public static Fault nanFfn(int layer) {
    return new Fault(Kind.NAN_FFN, layer, -1, Float.NaN);
  }

  /** True for faults that change one head's attention pattern. */
  public boolean isAttentionFault() {
    return kind == Kind.QUERY_SCALE || kind == Kind.NAN_QUERY;
  }

  /** For example {@code query x0 L2H5} or {@code nan ffn L3}. */
  public String label() {
    return switch (kind) {
      case QUERY_SCALE ->
          (factor == 0f ? "query zeroed" : "query x" + trim(factor)) + " L" + layer + "H" + head;
      case VALUE_SCALE -> "value x" + trim(factor) + " L" + layer + "H" + head;
      case NAN_QUERY -> "NaN query weight L" + layer + "H" + head;
      case NAN_FFN -> "NaN FFN weight L" + layer;
    };
  }

  private static String trim(float f) {
    return f == Math.rint(f) ? String.valueOf((int) f) : String.valueOf(f);
  }

  /** Writes this fault into {@code model}, whose heads have {@code heads} heads per layer. */
  public void apply(OnnxModelEditor model, TransformerLayout layout, int heads) {
    TransformerLayout.Layer l = layout.layer(layer);
    switch (kind) {
      case QUERY_SCALE -> scaleHead(model, l.queryWeight(), l.queryBias(), heads);
      case VALUE_SCALE -> scaleHead(model, l.valueWeight(), l.valueBias(), heads);
      case NAN_QUERY -> {
        int width = headWidth(model, l.queryWeight(), heads);
        // Row 0, first column of this head's block.
        model.set(l.queryWeight(), head * width, Float.NaN);
      }
      case NAN_FFN -> model.set(l.ffnWeight(), 0, Float.NaN);
    }
  }

  private void scaleHead(OnnxModelEditor model, String weight, String bias, int heads) {
    int width = headWidth(model, weight, heads);
    model.scaleColumns(weight, head * width, (head + 1) * width, factor);
    model.scaleRange(bias, head * width, (head + 1) * width, factor);
  }

  private static int headWidth(OnnxModelEditor model, String weight, int heads) {
    long out = model.initializer(weight).dims()[1];
    if (out % heads != 0) {
      throw new IllegalArgumentException(weight + ": " + out + " outputs for " + heads + " heads");
    }
    return (int) (out / heads);
  }
}
