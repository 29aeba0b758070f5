package io.headwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An embedding model's outputs: for each output row ([batch, dimension]) the agent records the
 * embedding's L2 norm and its non-finite values, computed here independently from the inputs (the
 * model is y = 2 max(x, 0), see {@link NoAttentionModelIT}).
 */
class EmbeddingOutputIT {
  @Test
  void outputNormsAreRecordedPerEmbedding() throws Exception {
    Path model = Files.createTempFile("embedding", ".onnx");
    Files.write(model, NoAttentionModelIT.reluAddModel());
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      String classpath =
          String.join(
              File.pathSeparator,
              System.getProperty("basedir", ".") + "/target/test-classes",
              ChildJvm.requiredProperty("onnxruntime.jar"));
      ChildJvm app =
          ChildJvm.run(
              List.of("-javaagent:" + ChildJvm.agentJar() + "=operation.name=embeddings"),
              List.of("-cp", classpath, NoAttentionApp.class.getName(), model.toString()),
              ChildJvm.otlpEnvironment(receiver, "embedding-e2e"),
              120);
      assertEquals(0, app.exitCode, app.toString());

      double expectedSum = 0;
      for (int i = 0; i < NoAttentionApp.RUNS; i++) {
        double squares = 0;
        for (float x : NoAttentionApp.input(i)) {
          float y = x > 0 ? x + x : 0f;
          squares += (double) y * y;
        }
        expectedSum += Math.sqrt(squares);
      }
      Map<String, HistogramDataPoint> norms =
          receiver.lastHistogramPoints("headwatch.inference.output.norm");
      assertEquals(1, norms.size());
      HistogramDataPoint p = norms.values().iterator().next();
      assertEquals(NoAttentionApp.RUNS, p.getCount(), "one norm per output row");
      assertEquals(expectedSum, p.getSum(), 1e-4);
      for (NumberDataPoint n :
          receiver.lastSumPoints("headwatch.inference.output.nonfinite").values()) {
        assertEquals(0, n.getAsInt());
      }
      assertTrue(
          receiver.spans().stream().allMatch(s -> s.getName().equals("embeddings relu_add")));
    } finally {
      Files.deleteIfExists(model);
    }
  }
}
