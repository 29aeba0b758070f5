package io.headwatch.e2e;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A test-only ONNX Runtime application, started in a child JVM by {@link
 * GrafanaPrometheusEndToEndIT}, whose behaviour changes half-way so that Headwatch's alerts have
 * something to find. Its model, built here with protobuf's schema-less {@link UnknownFieldSet}, has
 * two "layers" of scaled-dot-product attention ({@code softmax(scores) · values}, the softmax named
 * {@code /encoder/layer.N/attention/self/Softmax} as Hugging Face exports name it) over 4 heads and
 * 8 tokens; each layer's output, summed over heads, is a [1, 8, 4] hidden state.
 *
 * <p>It starts normal and turns bad when it reads the line {@code bad} on standard input; it stops
 * at the end of its input. Normal: random scores and values. Bad: layer 1 head 0 puts all its
 * weight on token 0 (collapsed), layer 1 head 1 has equal scores (uniform), and the values carry
 * +Inf (non-finite hidden states). It runs bursts of inferences, so that an agent with a small
 * queue drops some sampled ones, and the model is so small that the agent's own time on the
 * inference thread is a large share of it (over the 2% budget).
 */
public final class AlertTripApp {
  static final int HEADS = 4;
  static final int TOKENS = 8;
  static final int WIDTH = 4;
  static final String GRAPH_NAME = "alert-trip";

  public static void main(String[] args) throws Exception {
    // The test decides when the model turns bad ("bad" on standard input) and when to stop (end
    // of input), so that each phase lasts as long as the test needs, however slow the machine.
    AtomicBoolean bad = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    Thread control =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (line.trim().equals("bad")) {
                    bad.set(true);
                  }
                }
              } catch (IOException e) {
                // treated as the end of input
              }
              stop.set(true);
            },
            "phase-control");
    control.setDaemon(true);
    control.start();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Random random = new Random(42);
    boolean announced = false;
    long inferences = 0;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(model(), options)) {
      System.out.println("outputs: " + session.getOutputNames());
      while (!stop.get()) {
        boolean isBad = bad.get();
        if (isBad && !announced) {
          System.out.println("bad phase after " + inferences + " inferences");
          announced = true;
        }
        for (int i = 0; i < 20; i++) {
          float[] scores0 = gaussian(random, HEADS * TOKENS * TOKENS, 2.0f);
          float[] scores1 = gaussian(random, HEADS * TOKENS * TOKENS, 2.0f);
          float[] values = gaussian(random, HEADS * TOKENS * WIDTH, 1.0f);
          if (isBad) {
            for (int q = 0; q < TOKENS; q++) {
              for (int k = 0; k < TOKENS; k++) {
                scores1[(0 * TOKENS + q) * TOKENS + k] = k == 0 ? 40f : 0f; // head 0: one-hot
                scores1[(1 * TOKENS + q) * TOKENS + k] = 0f; // head 1: uniform
              }
            }
            values[0] = Float.POSITIVE_INFINITY;
          }
          try (OnnxTensor s0 = tensor(env, scores0, HEADS, TOKENS, TOKENS);
              OnnxTensor s1 = tensor(env, scores1, HEADS, TOKENS, TOKENS);
              OnnxTensor v = tensor(env, values, HEADS, TOKENS, WIDTH);
              OrtSession.Result result =
                  session.run(Map.of("scores0", s0, "scores1", s1, "values", v))) {
            inferences++;
          }
        }
        Thread.sleep(50);
      }
    }
    System.out.println("done: " + inferences + " inferences");
  }

  private static float[] gaussian(Random random, int n, float scale) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) random.nextGaussian() * scale;
    }
    return out;
  }

  private static OnnxTensor tensor(OrtEnvironment env, float[] data, long... dims)
      throws Exception {
    long[] shape = new long[dims.length + 1];
    shape[0] = 1;
    System.arraycopy(dims, 0, shape, 1, dims.length);
    return OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
  }

  // ---- the model (field numbers from onnx.proto) ---------------------------------------------

  private static UnknownFieldSet.Field varint(long value) {
    return UnknownFieldSet.Field.newBuilder().addVarint(value).build();
  }

  private static UnknownFieldSet.Field bytes(List<ByteString> values) {
    UnknownFieldSet.Field.Builder f = UnknownFieldSet.Field.newBuilder();
    values.forEach(f::addLengthDelimited);
    return f.build();
  }

  private static UnknownFieldSet.Field string(String value) {
    return bytes(List.of(ByteString.copyFromUtf8(value)));
  }

  /** AttributeProto: name = 1, i = 3, ints = 8, type = 20 (INT = 2, INTS = 7). */
  private static ByteString intAttribute(String name, long value) {
    return UnknownFieldSet.newBuilder()
        .addField(1, string(name))
        .addField(3, varint(value))
        .addField(20, varint(2))
        .build()
        .toByteString();
  }

  private static ByteString intsAttribute(String name, long value) {
    return UnknownFieldSet.newBuilder()
        .addField(1, string(name))
        .addField(8, varint(value))
        .addField(20, varint(7))
        .build()
        .toByteString();
  }

  /** NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5. */
  private static ByteString node(
      String name, String opType, List<String> inputs, String output, ByteString... attributes) {
    UnknownFieldSet.Field.Builder in = UnknownFieldSet.Field.newBuilder();
    inputs.forEach(i -> in.addLengthDelimited(ByteString.copyFromUtf8(i)));
    UnknownFieldSet.Builder node =
        UnknownFieldSet.newBuilder()
            .addField(1, in.build())
            .addField(2, string(output))
            .addField(3, string(name))
            .addField(4, string(opType));
    if (attributes.length > 0) {
      node.addField(5, bytes(List.of(attributes)));
    }
    return node.build().toByteString();
  }

  /** ValueInfoProto (name = 1, type = 2) of a float tensor of the given shape. */
  private static ByteString floatTensor(String name, long... dims) {
    UnknownFieldSet.Field.Builder dimField = UnknownFieldSet.Field.newBuilder();
    for (long d : dims) {
      dimField.addLengthDelimited(
          UnknownFieldSet.newBuilder().addField(1, varint(d)).build().toByteString());
    }
    ByteString shape =
        UnknownFieldSet.newBuilder().addField(1, dimField.build()).build().toByteString();
    ByteString tensorType =
        UnknownFieldSet.newBuilder()
            .addField(1, varint(1))
            .addField(2, bytes(List.of(shape)))
            .build()
            .toByteString();
    ByteString type =
        UnknownFieldSet.newBuilder().addField(1, bytes(List.of(tensorType))).build().toByteString();
    return UnknownFieldSet.newBuilder()
        .addField(1, string(name))
        .addField(2, bytes(List.of(type)))
        .build()
        .toByteString();
  }

  /** ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 (opset 11). */
  static byte[] model() {
    List<ByteString> nodes = new java.util.ArrayList<>();
    for (int layer = 0; layer < 2; layer++) {
      String p = "/encoder/layer." + layer;
      nodes.add(
          node(
              p + "/attention/self/Softmax",
              "Softmax",
              List.of("scores" + layer),
              "probs" + layer,
              intAttribute("axis", -1)));
      nodes.add(
          node(
              p + "/attention/self/MatMul_1",
              "MatMul",
              List.of("probs" + layer, "values"),
              "context" + layer));
      nodes.add(
          node(
              p + "/output/ReduceSum",
              "ReduceSum",
              List.of("context" + layer),
              "hidden" + layer,
              intsAttribute("axes", 1),
              intAttribute("keepdims", 0)));
    }
    ByteString graph =
        UnknownFieldSet.newBuilder()
            .addField(1, bytes(nodes))
            .addField(2, string(GRAPH_NAME))
            .addField(
                11,
                bytes(
                    List.of(
                        floatTensor("scores0", 1, HEADS, TOKENS, TOKENS),
                        floatTensor("scores1", 1, HEADS, TOKENS, TOKENS),
                        floatTensor("values", 1, HEADS, TOKENS, WIDTH))))
            .addField(
                12,
                bytes(
                    List.of(
                        floatTensor("hidden0", 1, TOKENS, WIDTH),
                        floatTensor("hidden1", 1, TOKENS, WIDTH))))
            .build()
            .toByteString();
    ByteString opset =
        UnknownFieldSet.newBuilder()
            .addField(1, string(""))
            .addField(2, varint(11))
            .build()
            .toByteString();
    return UnknownFieldSet.newBuilder()
        .addField(1, varint(7))
        .addField(2, string("headwatch-e2e"))
        .addField(7, bytes(List.of(graph)))
        .addField(8, bytes(List.of(opset)))
        .build()
        .toByteArray();
  }
}
