package io.headwatch.e2e;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Writes, in memory, the ONNX model of a small self-attention encoder with any number of layers and
 * heads, for tests and benchmarks of scale (GPT-3's 96 layers x 96 heads with a tiny hidden size
 * runs on a laptop). Weights are seeded random; node names follow the Hugging Face export ({@code
 * /encoder/layer.N/attention/self/Softmax}) so the agent reads layers as it does for BERT.
 *
 * <p>Inputs: {@code inputs_embeds} float [batch, seq, heads x headDim] and {@code attention_mask}
 * int64 [batch, seq]. Output: {@code last_hidden_state}. Each layer: Q, K, V projections, split
 * into heads, softmax(QK^T / sqrt(d) + mask bias) V, merge heads, residual add scaled by 0.9.
 */
final class SyntheticTransformer {
  private SyntheticTransformer() {}

  static byte[] model(int layers, int heads, int headDim, long seed) {
    int hidden = heads * headDim;
    SplittableRandom random = new SplittableRandom(seed);
    Proto graph = new Proto().string(2, "synthetic_encoder");
    // Mask bias, shared by all layers: (1 - mask) * -10000, as [batch, 1, 1, seq].
    graph.message(
        1,
        node("/mask/Cast", "Cast", in("attention_mask"), out("/mask/float"))
            .message(5, intAttr("to", 1)));
    graph.message(1, node("/mask/Sub", "Sub", in("/one", "/mask/float"), out("/mask/inverted")));
    graph.message(
        1, node("/mask/Mul", "Mul", in("/mask/inverted", "/minus_big"), out("/mask/bias2d")));
    graph.message(
        1,
        node("/mask/Unsqueeze", "Unsqueeze", in("/mask/bias2d", "/axes_1_2"), out("/mask/bias")));
    graph.message(5, floatTensor("/one", new long[0], new float[] {1f}));
    graph.message(5, floatTensor("/minus_big", new long[0], new float[] {-10000f}));
    graph.message(5, floatTensor("/residual_scale", new long[0], new float[] {0.9f}));
    graph.message(
        5, floatTensor("/scale", new long[0], new float[] {(float) (1.0 / Math.sqrt(headDim))}));
    graph.message(5, longTensor("/axes_1_2", new long[] {2}, new long[] {1, 2}));
    graph.message(5, longTensor("/split_shape", new long[] {4}, new long[] {0, 0, heads, headDim}));
    graph.message(5, longTensor("/merge_shape", new long[] {3}, new long[] {0, 0, hidden}));

    String x = "inputs_embeds";
    for (int l = 0; l < layers; l++) {
      String p = "/encoder/layer." + l + "/attention/self/";
      for (String w : new String[] {"query", "key", "value"}) {
        String weight = "encoder.layer." + l + ".attention.self." + w + ".weight";
        // Sharp queries and keys (peaked heads), gentle values (a stable residual stream).
        double scale = (w.equals("value") ? 0.5 : 2.0) / Math.sqrt(hidden);
        graph.message(
            5,
            floatTensor(weight, new long[] {hidden, hidden}, randomWeights(random, hidden, scale)));
        graph.message(1, node(p + w + "/MatMul", "MatMul", in(x, weight), out(p + w + "/out")));
        graph.message(
            1,
            node(
                p + w + "/Reshape",
                "Reshape",
                in(p + w + "/out", "/split_shape"),
                out(p + w + "/split")));
      }
      graph.message(
          1,
          node(p + "Transpose_q", "Transpose", in(p + "query/split"), out(p + "q"))
              .message(5, intsAttr("perm", 0, 2, 1, 3)));
      graph.message(
          1,
          node(p + "Transpose_k", "Transpose", in(p + "key/split"), out(p + "kT"))
              .message(5, intsAttr("perm", 0, 2, 3, 1)));
      graph.message(
          1,
          node(p + "Transpose_v", "Transpose", in(p + "value/split"), out(p + "v"))
              .message(5, intsAttr("perm", 0, 2, 1, 3)));
      graph.message(1, node(p + "MatMul", "MatMul", in(p + "q", p + "kT"), out(p + "scores")));
      graph.message(1, node(p + "Mul", "Mul", in(p + "scores", "/scale"), out(p + "scaled")));
      graph.message(1, node(p + "Add", "Add", in(p + "scaled", "/mask/bias"), out(p + "masked")));
      graph.message(
          1,
          node(p + "Softmax", "Softmax", in(p + "masked"), out(p + "Softmax_output_0"))
              .message(5, intAttr("axis", -1)));
      graph.message(
          1,
          node(p + "MatMul_1", "MatMul", in(p + "Softmax_output_0", p + "v"), out(p + "context")));
      graph.message(
          1,
          node(p + "Transpose_c", "Transpose", in(p + "context"), out(p + "context_t"))
              .message(5, intsAttr("perm", 0, 2, 1, 3)));
      graph.message(
          1,
          node(p + "Reshape_c", "Reshape", in(p + "context_t", "/merge_shape"), out(p + "merged")));
      // Residual add, scaled so that the stream keeps its size over 96 layers (no LayerNorm here).
      String o = "/encoder/layer." + l + "/output/";
      String next = l == layers - 1 ? "last_hidden_state" : o + "Mul_output_0";
      graph.message(1, node(o + "Add", "Add", in(x, p + "merged"), out(o + "Add_output_0")));
      graph.message(
          1, node(o + "Mul", "Mul", in(o + "Add_output_0", "/residual_scale"), out(next)));
      x = next;
    }
    graph.message(11, valueInfo("inputs_embeds", 1, -1, -1, hidden));
    graph.message(11, valueInfo("attention_mask", 7, -1, -1));
    graph.message(12, valueInfo("last_hidden_state", 1, -1, -1, hidden));
    return new Proto()
        .varint(1, 8) // ir_version
        .string(2, "headwatch-synthetic")
        .message(7, graph)
        .message(8, new Proto().string(1, "").varint(2, 13)) // opset 13
        .bytes();
  }

  private static float[] randomWeights(SplittableRandom random, int hidden, double scale) {
    float[] w = new float[hidden * hidden];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (random.nextGaussian() * scale);
    }
    return w;
  }

  private static String[] in(String... names) {
    return names;
  }

  private static String[] out(String... names) {
    return names;
  }

  private static Proto node(String name, String op, String[] inputs, String[] outputs) {
    Proto node = new Proto();
    for (String i : inputs) {
      node.string(1, i);
    }
    for (String o : outputs) {
      node.string(2, o);
    }
    return node.string(3, name).string(4, op);
  }

  /** AttributeProto: name = 1, i = 3, ints = 8, type = 20 (INT = 2, INTS = 7). */
  private static Proto intAttr(String name, long value) {
    return new Proto().string(1, name).varint(3, value).varint(20, 2);
  }

  private static Proto intsAttr(String name, long... values) {
    Proto a = new Proto().string(1, name);
    for (long v : values) {
      a.varint(8, v);
    }
    return a.varint(20, 7);
  }

  /** TensorProto: dims = 1, data_type = 2 (FLOAT = 1, INT64 = 7), name = 8, raw_data = 9. */
  private static Proto floatTensor(String name, long[] dims, float[] values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      raw.putFloat(v);
    }
    return tensor(name, dims, 1, raw.array());
  }

  private static Proto longTensor(String name, long[] dims, long[] values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      raw.putLong(v);
    }
    return tensor(name, dims, 7, raw.array());
  }

  private static Proto tensor(String name, long[] dims, int type, byte[] raw) {
    Proto t = new Proto();
    for (long d : dims) {
      t.varint(1, d);
    }
    return t.varint(2, type).string(8, name).bytes(9, raw);
  }

  /** ValueInfoProto with a tensor type; negative dims are symbolic ("dN"). */
  private static Proto valueInfo(String name, int elemType, long... dims) {
    Proto shape = new Proto();
    for (int i = 0; i < dims.length; i++) {
      shape.message(
          1, dims[i] >= 0 ? new Proto().varint(1, dims[i]) : new Proto().string(2, "d" + i));
    }
    Proto tensorType = new Proto().varint(1, elemType).message(2, shape);
    return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
  }

  /** A protobuf message being written. */
  static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(int field, long value) {
      raw((long) field << 3);
      raw(value);
      return this;
    }

    Proto bytes(int field, byte[] payload) {
      raw(((long) field << 3) | 2);
      raw(payload.length);
      out.writeBytes(payload);
      return this;
    }

    Proto string(int field, String value) {
      return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Proto message(int field, Proto message) {
      return bytes(field, message.bytes());
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    private void raw(long value) {
      while ((value & ~0x7FL) != 0) {
        out.write((int) ((value & 0x7F) | 0x80));
        value >>>= 7;
      }
      out.write((int) value);
    }
  }
}
