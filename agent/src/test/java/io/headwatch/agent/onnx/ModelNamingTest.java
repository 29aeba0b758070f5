package io.headwatch.agent.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.headwatch.agent.onnx.graph.OnnxModel;
import io.headwatch.agent.onnx.graph.ProtoWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Model and operation names derived when none is configured. */
class ModelNamingTest {
  private static final String HASH_NAME = "onnx-[0-9a-f]{8}";

  private static byte[] modelBytes(String graphName, String outputName) {
    return ProtoWriter.model(
        new ProtoWriter.Graph(graphName)
            .node(new ProtoWriter.Node("relu", "Relu").in("x").out(outputName))
            .input("x", 1, 4)
            .output(outputName, 1, 4));
  }

  private static String nameFromBytes(byte[] bytes) {
    return ModelNaming.modelName("", null, OnnxModel.parse(bytes), bytes);
  }

  @Test
  void configuredNameWins() {
    byte[] bytes = modelBytes("sentiment", "logits");
    assertEquals(
        "my-model",
        ModelNaming.modelName("my-model", "/models/other.onnx", OnnxModel.parse(bytes), bytes));
    assertEquals("my-model", ModelNaming.modelName("my-model", null, null, null));
  }

  @Test
  void fileStemSanitized() {
    assertEquals("My_Model.v2", ModelNaming.modelName("", "/models/My Model.v2.onnx", null, null));
    assertEquals(
        "all-minilm-l6-v2",
        ModelNaming.modelName("", "/opt/app/all-minilm-l6-v2.onnx", null, null));
    assertEquals("model", ModelNaming.modelName("", "relative/dir/model.onnx", null, null));
    assertEquals("noext", ModelNaming.modelName("", "/models/noext", null, null));
    assertEquals("a_b_c_", ModelNaming.modelName("", "/m/a\"b<c>.onnx", null, null));
  }

  @Test
  void pathWinsOverGraphName() {
    byte[] bytes = modelBytes("sentiment", "logits");
    assertEquals("file", ModelNaming.modelName("", "/m/file.onnx", OnnxModel.parse(bytes), bytes));
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
    assertEquals(nameA, ModelNaming.modelName("", null, null, a));
    byte[] flipped = a.clone();
    flipped[flipped.length - 1] ^= 1;
    String other = ModelNaming.modelName("", null, null, flipped);
    assertTrue(other.matches(HASH_NAME), other);
    assertNotEquals(nameA, other);
  }

  @Test
  void nothingKnownGivesAFixedName() {
    assertEquals("onnx-model", ModelNaming.modelName("", null, null, null));
  }

  @Test
  void sanitizeBoundsAndReplaces() {
    assertEquals("a_b", ModelNaming.sanitize("a b"));
    assertEquals("x-y_z.1", ModelNaming.sanitize("x-y_z.1"));
    assertEquals(96, ModelNaming.sanitize("n".repeat(500)).length());
    assertEquals("onnx-model", ModelNaming.sanitize(""));
    assertEquals("a__b", ModelNaming.sanitize("a\n\tb"));
  }

  @Test
  void operationFromOutputNames() {
    assertEquals("classification", ModelNaming.operationName("", List.of("logits")));
    assertEquals("classification", ModelNaming.operationName("", List.of("probabilities")));
    assertEquals("embeddings", ModelNaming.operationName("", List.of("last_hidden_state")));
    assertEquals("embeddings", ModelNaming.operationName("", List.of("sentence_embedding")));
    assertEquals("inference", ModelNaming.operationName("", List.of("output_0")));
    assertEquals("inference", ModelNaming.operationName("", List.of()));
    // The first output that says something decides.
    assertEquals(
        "embeddings", ModelNaming.operationName("", List.of("out", "last_hidden_state", "logits")));
  }

  @Test
  void configuredOperationWins() {
    assertEquals("rerank", ModelNaming.operationName("rerank", List.of("logits")));
  }
}
