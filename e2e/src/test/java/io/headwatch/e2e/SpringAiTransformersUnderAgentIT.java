package io.headwatch.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The spring-ai-embeddings example (Spring AI 1.1.2's {@code TransformersEmbeddingModel}, no Boot,
 * model files from a local folder {@code all-MiniLM-L6-v2/}). Spring AI hands ONNX Runtime the
 * model's bytes and uses DJL 0.32 (outside the agent's DJL range) for its tokenizer and pooling
 * only: same output with and without the agent, the model named after its resource's folder, no
 * warning about DJL, attention and activations of every layer.
 */
class SpringAiTransformersUnderAgentIT {
  private static final String MODEL = "all-MiniLM-L6-v2";
  private static Path dir;
  private static ChildJvm withoutAgent;
  private static ChildJvm withAgent;
  private static OtlpReceiver receiver;

  @BeforeAll
  static void runBoth() throws Exception {
    dir = Files.createTempDirectory("spring-ai-e2e");
    Path model =
        ExampleModelFiles.write(
            dir, MODEL, ChildJvm.requiredProperty("minilm.jar"), "all-minilm-l6-v2.onnx");
    List<String> main =
        List.of(
            "-jar",
            ChildJvm.requiredProperty("spring-ai-embeddings.jar"),
            model.toString(),
            "where is my parcel",
            "my package has not arrived",
            "what makes the sky blue");
    withoutAgent = ChildJvm.run(DjlChild.jvmArgs(), main, Map.of(), 300);
    receiver = new OtlpReceiver();
    List<String> jvm = new ArrayList<>(DjlChild.jvmArgs());
    jvm.add("-javaagent:" + ChildJvm.agentJar() + "=sampling.rate=1.0,overhead.budget=none");
    withAgent = ChildJvm.run(jvm, main, ChildJvm.otlpEnvironment(receiver, "spring-ai-e2e"), 300);
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
