package io.headwatch.agent.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rewritten model is the original with name-only graph outputs appended: checked byte for byte
 * with a scanner written here, re-parsed, and loaded and run by ONNX Runtime.
 */
class ModelRewriterTest {
  private static byte[] original;
  private static OnnxModel parsed;
  private static byte[] rewritten;
  private static List<String> extras;

  @BeforeAll
  static void rewrite() {
    original = MiniLmModel.bytes();
    parsed = OnnxModel.parse(original);
    extras = new ArrayList<>();
    for (int l = 0; l < MiniLmModel.LAYERS; l++) {
      extras.add(MiniLmModel.softmax(l));
    }
    for (int l = 0; l < MiniLmModel.LAYERS; l++) {
      extras.add(MiniLmModel.hidden(l)); // layer 5 is last_hidden_state, already an output
    }
    rewritten = ModelRewriter.withExtraOutputs(original, parsed, extras);
  }

  /** The expected outputs: the original, then every extra except the one already present. */
  private static List<String> expectedOutputs() {
    List<String> expected = new ArrayList<>();
    expected.add("last_hidden_state");
    for (int l = 0; l < MiniLmModel.LAYERS; l++) {
      expected.add(MiniLmModel.softmax(l));
    }
    for (int l = 0; l < MiniLmModel.LAYERS - 1; l++) {
      expected.add(MiniLmModel.hidden(l));
    }
    return expected;
  }

  @Test
  void reparsesWithExtraOutputsAppendedInOrder() {
    OnnxModel again = OnnxModel.parse(rewritten);
    assertEquals(expectedOutputs(), again.graphOutputs());
    assertEquals(1, again.graphOutputs().stream().filter("last_hidden_state"::equals).count());
    assertEquals(parsed.graphInputs(), again.graphInputs());
    assertEquals(parsed.nodes().size(), again.nodes().size());
    assertEquals(parsed.graphName(), again.graphName());
    assertEquals(parsed.producerName(), again.producerName());
  }

  @Test
  void everythingOutsideTheGraphIsByteIdentical() {
    checkByteLayout(original, rewritten, expectedOutputs().subList(1, expectedOutputs().size()));
  }

  @Test
  void noExtraOutputsGivesTheSameBytes() {
    assertArrayEquals(original, ModelRewriter.withExtraOutputs(original, parsed, List.of()));
    assertArrayEquals(
        original, ModelRewriter.withExtraOutputs(original, parsed, List.of("last_hidden_state")));
  }

  @Test
  void duplicateExtrasAreAddedOnce() {
    byte[] twice =
        ModelRewriter.withExtraOutputs(
            original, parsed, List.of(MiniLmModel.softmax(0), MiniLmModel.softmax(0)));
    assertEquals(
        List.of("last_hidden_state", MiniLmModel.softmax(0)),
        OnnxModel.parse(twice).graphOutputs());
  }

  /**
   * A small graph whose length prefix grows from one byte to two when outputs are appended: the
   * rest of the model must move by exactly that byte and stay identical.
   */
  @Test
  void graphLengthPrefixGrowingByAByte() {
    ProtoWriter.Graph graph =
        new ProtoWriter.Graph("g")
            .node(new ProtoWriter.Node("relu", "Relu").in("x").out("r"))
            .node(new ProtoWriter.Node("add", "Add").in("r", "r").out("y"))
            .input("x", 1, 4)
            .output("y", 1, 4);
    byte[] small = ProtoWriter.model(graph);
    int[] g = graphField(small);
    int oldLength = g[2] - g[1];
    assertTrue(oldLength < 128, "test setup: the graph length must fit one varint byte");
    // Enough name bytes to cross 127.
    String longName = "r".repeat(130 - oldLength);
    OnnxModel smallParsed = OnnxModel.parse(small);
    byte[] out = ModelRewriter.withExtraOutputs(small, smallParsed, List.of(longName));
    checkByteLayout(small, out, List.of(longName));
    int[] h = graphField(out);
    assertEquals(2, h[1] - h[0] - 1, "two-byte length prefix");
    assertEquals(List.of("y", longName), OnnxModel.parse(out).graphOutputs());
  }

  /**
   * Prefix before the graph tag identical; tag 0x3A; a minimal varint length; the old payload
   * identical; then exactly one name-only output per extra; then the original tail identical.
   */
  private static void checkByteLayout(byte[] before, byte[] after, List<String> appendedNames) {
    int[] b = graphField(before);
    int[] a = graphField(after);
    assertEquals(b[0], a[0], "graph tag position");
    assertArrayEquals(
        Arrays.copyOfRange(before, 0, b[0]),
        Arrays.copyOfRange(after, 0, a[0]),
        "bytes before the graph field");
    assertEquals(0x3A, after[a[0]] & 0xFF, "ModelProto.graph tag (field 7, length-delimited)");
    int oldLength = b[2] - b[1];
    // The appended outputs: GraphProto.output (0x62) { ValueInfoProto.name (0x0A) = name }.
    ProtoWriter expectedAppended = new ProtoWriter();
    for (String name : appendedNames) {
      expectedAppended.message(12, new ProtoWriter().string(1, name));
    }
    byte[] appended = expectedAppended.toByteArray();
    assertEquals(oldLength + appended.length, a[2] - a[1], "new graph length");
    assertArrayEquals(
        ProtoWriter.varintBytes(oldLength + appended.length),
        Arrays.copyOfRange(after, a[0] + 1, a[1]),
        "graph length prefix");
    assertArrayEquals(
        Arrays.copyOfRange(before, b[1], b[2]),
        Arrays.copyOfRange(after, a[1], a[1] + oldLength),
        "original graph payload");
    assertArrayEquals(
        appended, Arrays.copyOfRange(after, a[1] + oldLength, a[2]), "appended outputs");
    assertArrayEquals(
        Arrays.copyOfRange(before, b[2], before.length),
        Arrays.copyOfRange(after, a[2], after.length),
        "bytes after the graph field");
    assertEquals(before.length + appended.length + (a[1] - a[0]) - (b[1] - b[0]), after.length);
  }

  /**
   * Independent scan of the top-level fields: {tag start, payload start, payload end} of field 7.
   */
  static int[] graphField(byte[] model) {
    int pos = 0;
    int[] found = null;
    while (pos < model.length) {
      int tagStart = pos;
      long[] tag = varint(model, pos);
      pos = (int) tag[1];
      int wire = (int) (tag[0] & 7);
      long field = tag[0] >>> 3;
      switch (wire) {
        case 0:
          pos = (int) varint(model, pos)[1];
          break;
        case 1:
          pos += 8;
          break;
        case 5:
          pos += 4;
          break;
        case 2:
          {
            long[] len = varint(model, pos);
            int start = (int) len[1];
            pos = start + (int) len[0];
            if (field == 7) {
              if (found != null) {
                throw new AssertionError("two graph fields");
              }
              found = new int[] {tagStart, start, pos};
            }
            break;
          }
        default:
          throw new AssertionError("wire type " + wire + " at " + tagStart);
      }
    }
    if (pos != model.length || found == null) {
      throw new AssertionError("not a well-formed model with one graph");
    }
    return found;
  }

  /** {value, position after}. */
  private static long[] varint(byte[] buf, int pos) {
    long value = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = buf[pos++];
      value |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return new long[] {value, pos};
      }
    }
  }

  @Test
  void onnxRuntimeLoadsAndRunsTheRewrittenModel() throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    long[] ids = {101, 7592, 2088, 102}; // [CLS] hello world [SEP]
    int n = ids.length;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession plain = env.createSession(original, options);
        OrtSession capture = env.createSession(rewritten, options)) {
      assertEquals(List.of("last_hidden_state"), new ArrayList<>(plain.getOutputNames()));
      assertEquals(expectedOutputs(), new ArrayList<>(capture.getOutputNames()));

      float[] expected;
      try (OnnxTensor idT = longs(env, ids);
          OnnxTensor maskT = longs(env, new long[] {1, 1, 1, 1});
          OnnxTensor typeT = longs(env, new long[n]);
          OrtSession.Result result =
              plain.run(
                  Map.of("input_ids", idT, "attention_mask", maskT, "token_type_ids", typeT))) {
        expected = floats(((OnnxTensor) result.get(0)).getFloatBuffer());
      }
      assertEquals(n * 384, expected.length);

      try (OnnxTensor idT = longs(env, ids);
          OnnxTensor maskT = longs(env, new long[] {1, 1, 1, 1});
          OnnxTensor typeT = longs(env, new long[n]);
          OrtSession.Result result =
              capture.run(
                  Map.of("input_ids", idT, "attention_mask", maskT, "token_type_ids", typeT))) {
        assertEquals(expectedOutputs().size(), result.size());
        float[] actual =
            floats(((OnnxTensor) result.get("last_hidden_state").orElseThrow()).getFloatBuffer());
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
          assertTrue(
              Math.abs(expected[i] - actual[i]) <= 1e-5,
              "last_hidden_state[" + i + "]: " + expected[i] + " vs " + actual[i]);
        }
        for (int l = 0; l < MiniLmModel.LAYERS; l++) {
          OnnxTensor attention = (OnnxTensor) result.get(MiniLmModel.softmax(l)).orElseThrow();
          assertArrayEquals(new long[] {1, 12, n, n}, attention.getInfo().getShape());
          float[] a = floats(attention.getFloatBuffer());
          for (int row = 0; row < 12 * n; row++) {
            double sum = 0;
            for (int j = 0; j < n; j++) {
              float w = a[row * n + j];
              assertTrue(w >= 0 && w <= 1, "probability " + w);
              sum += w;
            }
            assertEquals(1.0, sum, 1e-5, "layer " + l + " row " + row + " sums to 1");
          }
        }
        for (int l = 0; l < MiniLmModel.LAYERS - 1; l++) {
          OnnxTensor hidden = (OnnxTensor) result.get(MiniLmModel.hidden(l)).orElseThrow();
          assertArrayEquals(new long[] {1, n, 384}, hidden.getInfo().getShape());
        }
      }
    }
  }

  private static OnnxTensor longs(OrtEnvironment env, long[] row) throws Exception {
    return OnnxTensor.createTensor(env, LongBuffer.wrap(row), new long[] {1, row.length});
  }

  private static float[] floats(FloatBuffer buffer) {
    float[] out = new float[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  @Test
  void appendedNamesAreUtf8() {
    String name = "/encoder/layer.0/attention/self/Softmax_output_0";
    byte[] out = ModelRewriter.withExtraOutputs(original, parsed, List.of(name));
    int[] a = graphField(out);
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    byte[] tail = Arrays.copyOfRange(out, a[2] - nameBytes.length, a[2]);
    assertArrayEquals(nameBytes, tail);
  }
}
