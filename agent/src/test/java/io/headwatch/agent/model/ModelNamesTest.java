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
    return ModelNames.onnxModel(null, null, OnnxModel.parse(bytes).graphName(), bytes);
  }

  @Test
  void theLibrarysNameForTheModelWins() {
    byte[] bytes = modelBytes("sentiment", "logits");
    // langchain4j's bundled model: the class-path resource it loads.
    assertEquals(
        "all-minilm-l6-v2",
        ModelNames.onnxModel(
            "all-minilm-l6-v2.onnx", null, OnnxModel.parse(bytes).graphName(), bytes));
    assertEquals(
        "bge-small-en-v1.5-q", ModelNames.onnxModel("bge-small-en-v1.5-q.onnx", null, null, bytes));
    // Spring AI's default model resource, and one from a local folder.
    assertEquals(
        "all-MiniLM-L6-v2",
        ModelNames.onnxModel(
            "https://github.com/spring-projects/spring-ai/raw/main/models/"
                + "spring-ai-transformers/src/main/resources/onnx/all-MiniLM-L6-v2/model.onnx",
            null,
            null,
            bytes));
    assertEquals(
        "e5-small-v2",
        ModelNames.onnxModel("file:/srv/models/e5-small-v2/model.onnx", "/x/y.onnx", null, bytes));
  }

  @Test
  void stablePartsOfLocations() {
    assertEquals(
        "bge-small-en-v1.5", ModelNames.fromLocation("/m/bge-small-en-v1.5/onnx/model.onnx"));
    assertEquals(
        "all-MiniLM-L6-v2-quantized",
        ModelNames.fromLocation("/m/all-MiniLM-L6-v2/onnx/model_quantized.onnx"));
    assertEquals(
        "all-MiniLM-L6-v2",
        ModelNames.fromLocation(
            "/root/.cache/huggingface/hub/models--sentence-transformers--all-MiniLM-L6-v2/"
                + "snapshots/c9745ed1d9f207416be6d2e6f8de32d1f16199bf/onnx/model.onnx"));
    // Temporary files and folders: without their random digits.
    assertEquals("minilm", ModelNames.fromLocation("/tmp/minilm8812930093312345.onnx"));
    assertEquals("djl-minilm", ModelNames.fromLocation("/tmp/djl-minilm17437493648587946851"));
    assertEquals(
        "spring-ai-model", ModelNames.fromLocation("/tmp/spring-ai-model1234567890/model.onnx"));
    // A folder that is only a version or a number stays as it is when it names the file.
    assertEquals("resnet18_v1", ModelNames.fromLocation("/opt/resnet18_v1.pt"));
    assertEquals(
        "all-minilm-l6-v2",
        ModelNames.fromLocation("jar:file:/app/lib/minilm.jar!/all-minilm-l6-v2.onnx"));
    assertEquals(null, ModelNames.fromLocation(""));
    assertEquals(null, ModelNames.fromLocation(null));
    assertEquals("model", ModelNames.fromLocation("model.onnx"), "nothing better to say");
  }

  @Test
  void djlNamesWithoutTemporaryFolderSuffixes() {
    assertEquals("intent-encoder", ModelNames.djlModel("intent-encoder", "/tmp/x123456789"));
    assertEquals("djl-minilm", ModelNames.djlModel("djl-minilm17437493648587946851", null));
    assertEquals(
        "all-minilm-l6-v2",
        ModelNames.djlModel("model", "/srv/models/all-minilm-l6-v2"),
        "a generic DJL name: the path's stable part");
    assertEquals("djl-model", ModelNames.djlModel(null, null));
    assertEquals("djl-model", ModelNames.djlModel("", "/tmp/12345678"));
  }

  @Test
  void fileStemSanitized() {
    assertEquals("My_Model.v2", ModelNames.onnxModel(null, "/models/My Model.v2.onnx", null, null));
    assertEquals(
        "all-minilm-l6-v2",
        ModelNames.onnxModel(null, "/opt/app/all-minilm-l6-v2.onnx", null, null));
    assertEquals("dir", ModelNames.onnxModel(null, "relative/dir/model.onnx", null, null));
    assertEquals("noext", ModelNames.onnxModel(null, "/models/noext", null, null));
    assertEquals("a_b_c_", ModelNames.onnxModel(null, "/m/a\"b<c>.onnx", null, null));
  }

  @Test
  void pathWinsOverGraphName() {
    byte[] bytes = modelBytes("sentiment", "logits");
    assertEquals(
        "file",
        ModelNames.onnxModel(null, "/m/file.onnx", OnnxModel.parse(bytes).graphName(), bytes));
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
    assertEquals(nameA, ModelNames.onnxModel(null, null, null, a));
    byte[] flipped = a.clone();
    flipped[flipped.length - 1] ^= 1;
    String other = ModelNames.onnxModel(null, null, null, flipped);
    assertTrue(other.matches(HASH_NAME), other);
    assertNotEquals(nameA, other);
  }

  @Test
  void nothingKnownGivesAFixedName() {
    assertEquals("onnx-model", ModelNames.onnxModel(null, null, null, null));
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
