package io.headwatch.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The onnx-embedding example (langchain4j's {@code OnnxEmbeddingModel}, model file from a local
 * path), with the quantized all-MiniLM-L6-v2 (dynamic quantization: MatMulInteger) laid out as
 * {@code all-minilm-l6-v2-q/model.onnx}: same output with and without the agent, the model named
 * after its folder, attention and a float hidden state for every layer, and no warning.
 */
class OnnxEmbeddingModelUnderAgentIT {
  private static final String MODEL = "all-minilm-l6-v2-q";
  private static Path dir;
  private static ChildJvm withoutAgent;
  private static ChildJvm withAgent;
  private static OtlpReceiver receiver;

  @BeforeAll
  static void runBoth() throws Exception {
    dir = Files.createTempDirectory("onnx-embedding-e2e");
    Path model =
        ExampleModelFiles.write(
            dir, MODEL, ChildJvm.requiredProperty("minilm-q.jar"), "all-minilm-l6-v2-q.onnx");
    List<String> main =
        List.of(
            "-jar",
            ChildJvm.requiredProperty("onnx-embedding.jar"),
            model.resolve("model.onnx").toString(),
            model.resolve("tokenizer.json").toString(),
            "where is my parcel",
            "my package has not arrived",
            "what makes the sky blue");
    withoutAgent = ChildJvm.run(List.of(), main, Map.of(), 300);
    receiver = new OtlpReceiver();
    withAgent =
        ChildJvm.run(
            List.of(
                "-javaagent:" + ChildJvm.agentJar() + "=sampling.rate=1.0,overhead.budget=none"),
            main,
            ChildJvm.otlpEnvironment(receiver, "onnx-embedding-e2e"),
            300);
    receiver.close();
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void sameOutputNoWarning() {
    EmbeddingExampleChecks.sameOutputNoWarning(withoutAgent, withAgent, MODEL);
  }

  @Test
  void recordsNameTheModelAndCoverEveryLayer() {
    EmbeddingExampleChecks.recordsNameTheModelAndCoverEveryLayer(receiver, MODEL);
  }
}
