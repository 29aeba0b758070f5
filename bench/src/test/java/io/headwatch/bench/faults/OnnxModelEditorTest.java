package io.headwatch.bench.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The editor on a model written by hand here: {@code Y = X · W; Z = Y + B} with X [1, 2], W [2, 2]
 * = [[1, 2], [3, 4]] and B [2] = [10, 20], run by the real ONNX Runtime.
 */
class OnnxModelEditorTest {
  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  @Test
  void readsNodesInitializersAndOutputs() {
    OnnxModelEditor m = OnnxModelEditor.of(tinyModel());
    assertEquals(2, m.nodes().size());
    assertEquals("MatMul", m.nodes().get(0).opType());
    assertEquals(List.of("X", "W"), m.nodes().get(0).inputs());
    assertEquals(List.of("Y"), m.nodes().get(0).outputs());
    assertEquals(List.of("Z"), m.graphOutputs());
    OnnxModelEditor.Initializer w = m.initializer("W");
    assertArrayEquals(new long[] {2, 2}, w.dims());
    assertEquals(OnnxModelEditor.FLOAT, w.dataType());
    assertEquals(16, w.rawLength());
    assertArrayEquals(new float[] {1, 2, 3, 4}, m.floats("W"));
  }

  @Test
  void unchangedModelRunsAsWritten() throws Exception {
    // [1, 1] · [[1, 2], [3, 4]] = [4, 6]; + [10, 20] = [14, 26].
    assertArrayEquals(
        new float[] {14, 26}, run(OnnxModelEditor.of(tinyModel()).toBytes(List.of()), "Z"));
  }

  @Test
  void scalingAColumnChangesOnlyThatOutput() throws Exception {
    OnnxModelEditor m = OnnxModelEditor.of(tinyModel());
    m.scaleColumns("W", 1, 2, 3f); // W = [[1, 6], [3, 12]]
    m.scaleRange("B", 1, 2, 3f); // B = [10, 60]
    assertArrayEquals(new float[] {1, 6, 3, 12}, m.floats("W"));
    // [1, 1] · W = [4, 18]; + B = [14, 78].
    assertArrayEquals(new float[] {14, 78}, run(m.toBytes(List.of()), "Z"));
  }

  @Test
  void aNaNWeightMakesItsColumnNaN() throws Exception {
    OnnxModelEditor m = OnnxModelEditor.of(tinyModel());
    m.set("W", 2, Float.NaN); // W[1][0]
    float[] z = run(m.toBytes(List.of()), "Z");
    assertTrue(Float.isNaN(z[0]));
    assertEquals(26f, z[1]);
  }

  @Test
  void anIntermediateTensorCanBeMadeAnOutput() throws Exception {
    byte[] withY = OnnxModelEditor.of(tinyModel()).toBytes(List.of("Y", "Z"));
    assertEquals(List.of("Z", "Y"), OnnxModelEditor.of(withY).graphOutputs());
    assertArrayEquals(new float[] {4, 6}, run(withY, "Y"));
    assertArrayEquals(new float[] {14, 26}, run(withY, "Z"));
  }

  @Test
  void theOriginalBytesAreNeverChanged() {
    byte[] original = tinyModel();
    byte[] copy = original.clone();
    OnnxModelEditor m = OnnxModelEditor.of(original);
    m.scaleColumns("W", 0, 2, 0f);
    assertArrayEquals(copy, original);
  }

  @Test
  void clearErrors() {
    OnnxModelEditor m = OnnxModelEditor.of(tinyModel());
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> m.floats("nope"));
    assertTrue(missing.getMessage().contains("'nope'"), missing.getMessage());
    IllegalArgumentException range =
        assertThrows(IllegalArgumentException.class, () -> m.scaleColumns("W", 1, 3, 2f));
    assertTrue(range.getMessage().contains("[1, 3)"), range.getMessage());
    IllegalArgumentException dims =
        assertThrows(IllegalArgumentException.class, () -> m.scaleColumns("B", 0, 1, 2f));
    assertTrue(dims.getMessage().contains("expected 2"), dims.getMessage());
    assertThrows(MalformedProtoException.class, () -> OnnxModelEditor.of(new byte[] {0x0A, 0x7F}));
    assertThrows(MalformedProtoException.class, () -> OnnxModelEditor.of(new byte[] {0x08, 0x07}));
  }

  private static float[] run(byte[] model, String output) throws Exception {
    try (OrtSession session = ENV.createSession(model, new OrtSession.SessionOptions());
        OnnxTensor x =
            OnnxTensor.createTensor(ENV, FloatBuffer.wrap(new float[] {1, 1}), new long[] {1, 2});
        OrtSession.Result r = session.run(Map.of("X", x), Set.of(output))) {
      FloatBuffer b = ((OnnxTensor) r.get(output).get()).getFloatBuffer();
      float[] out = new float[b.remaining()];
      b.get(out);
      return out;
    }
  }

  /** ModelProto (ONNX IR 7, opset 13) of {@code Z = X · W + B}, encoded field by field. */
  static byte[] tinyModel() {
    ByteArrayOutputStream graph = new ByteArrayOutputStream();
    WireFields.writeLen(graph, 1, node("mm", "MatMul", List.of("X", "W"), "Y"));
    WireFields.writeLen(graph, 1, node("add", "Add", List.of("Y", "B"), "Z"));
    WireFields.writeLen(graph, 2, utf8("tiny"));
    WireFields.writeLen(graph, 5, tensor("W", new long[] {2, 2}, new float[] {1, 2, 3, 4}));
    WireFields.writeLen(graph, 5, tensor("B", new long[] {2}, new float[] {10, 20}));
    WireFields.writeLen(graph, 11, valueInfo("X"));
    WireFields.writeLen(graph, 12, valueInfo("Z"));
    ByteArrayOutputStream opset = new ByteArrayOutputStream();
    WireFields.writeLen(opset, 1, utf8(""));
    WireFields.writeVarintField(opset, 2, 13);
    ByteArrayOutputStream model = new ByteArrayOutputStream();
    WireFields.writeVarintField(model, 1, 7);
    WireFields.writeLen(model, 8, opset.toByteArray());
    WireFields.writeLen(model, 7, graph.toByteArray());
    return model.toByteArray();
  }

  private static byte[] node(String name, String op, List<String> inputs, String output) {
    ByteArrayOutputStream n = new ByteArrayOutputStream();
    for (String in : inputs) {
      WireFields.writeLen(n, 1, utf8(in));
    }
    WireFields.writeLen(n, 2, utf8(output));
    WireFields.writeLen(n, 3, utf8(name));
    WireFields.writeLen(n, 4, utf8(op));
    return n.toByteArray();
  }

  private static byte[] tensor(String name, long[] dims, float[] values) {
    ByteArrayOutputStream t = new ByteArrayOutputStream();
    for (long d : dims) {
      WireFields.writeVarintField(t, 1, d);
    }
    WireFields.writeVarintField(t, 2, OnnxModelEditor.FLOAT);
    WireFields.writeLen(t, 8, utf8(name));
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      raw.putFloat(v);
    }
    WireFields.writeLen(t, 9, raw.array());
    return t.toByteArray();
  }

  /** ValueInfoProto of a float tensor [1, 2]. */
  private static byte[] valueInfo(String name) {
    ByteArrayOutputStream shape = new ByteArrayOutputStream();
    for (long d : new long[] {1, 2}) {
      ByteArrayOutputStream dim = new ByteArrayOutputStream();
      WireFields.writeVarintField(dim, 1, d);
      WireFields.writeLen(shape, 1, dim.toByteArray());
    }
    ByteArrayOutputStream tensorType = new ByteArrayOutputStream();
    WireFields.writeVarintField(tensorType, 1, OnnxModelEditor.FLOAT);
    WireFields.writeLen(tensorType, 2, shape.toByteArray());
    ByteArrayOutputStream type = new ByteArrayOutputStream();
    WireFields.writeLen(type, 1, tensorType.toByteArray());
    ByteArrayOutputStream info = new ByteArrayOutputStream();
    WireFields.writeLen(info, 1, utf8(name));
    WireFields.writeLen(info, 2, type.toByteArray());
    return info.toByteArray();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
