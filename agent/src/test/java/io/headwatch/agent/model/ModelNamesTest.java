package io.headwatch.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.headwatch.agent.onnx.graph.OnnxModel;
import io.headwatch.agent.onnx.graph.ProtoWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Model and operation names derived when none is configured. */
class ModelNamesTest {
  private static final String HASH_NAME = "onnx-[0-9a-f]{8}";

  private static byte[] modelBytes(String graphName, String outputName) {
    return ProtoWriter.model(
        new ProtoWriter.Graph(graphName)
            .node(new ProtoWriter.Node("relu", "Relu").in("x").out(outputName))
            .input("x", 1, 4)
            .output(outputName, 1, 4));
  }

  private static String nameFromBytes(byte[] bytes) {
    return ModelNames.onnxModel("", null, OnnxModel.parse(bytes).graphName(), bytes);
  }

  @Test
  void configuredNameWins() {
    byte[] bytes = modelBytes("sentiment", "logits");
    assertEquals(
        "my-model",
        ModelNames.onnxModel(
            "my-model", "/models/other.onnx", OnnxModel.parse(bytes).graphName(), bytes));
    assertEquals("my-model", ModelNames.onnxModel("my-model", null, null, null));
  }

  @Test
  void fileStemSanitized() {
    assertEquals("My_Model.v2", ModelNames.onnxModel("", "/models/My Model.v2.onnx", null, null));
    assertEquals(
        "all-minilm-l6-v2", ModelNames.onnxModel("", "/opt/app/all-minilm-l6-v2.onnx", null, null));
    assertEquals("model", ModelNames.onnxModel("", "relative/dir/model.onnx", null, null));
    assertEquals("noext", ModelNames.onnxModel("", "/models/noext", null, null));
    assertEquals("a_b_c_", ModelNames.onnxModel("", "/m/a\"b<c>.onnx", null, null));
  }

  @Test
  void pathWinsOverGraphName() {
    byte[] bytes = modelBytes("sentiment", "logits");
    assertEquals(
        "file",
        ModelNames.onnxModel("", "/m/file.onnx", OnnxModel.parse(bytes).graphName(), bytes));
  }

  @Test
  void meaningfulGraphNameIsUsed() {
    assertEquals("sentiment-bert", nameFromBytes(modelBytes("sentiment-bert", "logits")));
    assertEquals("my_graph_", nameFromBytes(modelBytes("my graph!", "logits")));
  }

  @Test
  void genericGraphNamesFallThroughToAHash() {
    for (String generic :
        new String[] {"torch_jit", "main_graph", "torch-jit-export", "", "Main_Graph", "tf2onnx"}) {
      String name = nameFromBytes(modelBytes(generic, "y"));
      assertTrue(name.matches(HASH_NAME), generic + " -> " + name);
    }
  }

  @Test
  void hashIsStableForEqualBytesAndDiffersForDifferentBytes() {
    byte[] a = modelBytes("torch_jit", "y");
    byte[] sameAsA = modelBytes("torch_jit", "y");
    byte[] b = modelBytes("torch_jit", "z");
    byte[] c = modelBytes("main_graph", "y");
    String nameA = nameFromBytes(a);
    assertEquals(nameA, nameFromBytes(a));
    assertEquals(nameA, nameFromBytes(sameAsA.clone()));
    assertNotEquals(nameA, nameFromBytes(b));
    assertNotEquals(nameA, nameFromBytes(c));
    // Without a parsed graph (unreadable model) the hash still names the bytes.
    assertEquals(nameA, ModelNames.onnxModel("", null, null, a));
    byte[] flipped = a.clone();
    flipped[flipped.length - 1] ^= 1;
    String other = ModelNames.onnxModel("", null, null, flipped);
    assertTrue(other.matches(HASH_NAME), other);
    assertNotEquals(nameA, other);
  }

  @Test
  void nothingKnownGivesAFixedName() {
    assertEquals("onnx-model", ModelNames.onnxModel("", null, null, null));
  }

  @Test
  void sanitizeBoundsAndReplaces() {
    assertEquals("a_b", ModelNames.sanitize("a b", "onnx-model"));
    assertEquals("x-y_z.1", ModelNames.sanitize("x-y_z.1", "onnx-model"));
    assertEquals(96, ModelNames.sanitize("n".repeat(500), "onnx-model").length());
    assertEquals("onnx-model", ModelNames.sanitize("", "onnx-model"));
    assertEquals("a__b", ModelNames.sanitize("a\n\tb", "onnx-model"));
  }

  @Test
  void operationFromOutputNames() {
    assertEquals("classification", ModelNames.onnxOperation("", List.of("logits")));
    assertEquals("classification", ModelNames.onnxOperation("", List.of("probabilities")));
    assertEquals("embeddings", ModelNames.onnxOperation("", List.of("last_hidden_state")));
    assertEquals("embeddings", ModelNames.onnxOperation("", List.of("sentence_embedding")));
    assertEquals("inference", ModelNames.onnxOperation("", List.of("output_0")));
    assertEquals("inference", ModelNames.onnxOperation("", List.of()));
    // The first output that says something decides.
    assertEquals(
        "embeddings", ModelNames.onnxOperation("", List.of("out", "last_hidden_state", "logits")));
  }

  @Test
  void configuredOperationWins() {
    assertEquals("rerank", ModelNames.onnxOperation("rerank", List.of("logits")));
  }
}
