package io.headwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.nn.transformer.TransformerEncoderBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A DJL application on the PyTorch engine ({@link DjlTransformerApp}): a transformer built from
 * DJL's own blocks with seeded weights, and a model that returns attention among its outputs. Under
 * the agent its outputs are bit for bit the same, and the exported per-head statistics agree within
 * 1e-4 with statistics computed here, independently, from the blocks' weights: projections, scaled
 * scores and a stable softmax in double precision with plain loops.
 */
class DjlTransformerUnderAgentIT {
  private static final double TOLERANCE = 1e-4;
  private static ChildJvm withoutAgent;
  private static ChildJvm withAgent;
  private static OtlpReceiver receiver;

  @BeforeAll
  static void runBoth() throws Exception {
    String classpath =
        System.getProperty("basedir", ".")
            + "/target/test-classes"
            + File.pathSeparator
            + ChildJvm.requiredProperty("djl.classpath");
    List<String> main = List.of("-cp", classpath, DjlTransformerApp.class.getName());
    withoutAgent = ChildJvm.run(DjlChild.jvmArgs(), main, Map.of(), 300);
    receiver = new OtlpReceiver();
    List<String> jvm = new ArrayList<>(DjlChild.jvmArgs());
    jvm.add("-javaagent:" + ChildJvm.agentJar() + "=sampling.rate=1.0,overhead.budget=none");
    withAgent = ChildJvm.run(jvm, main, ChildJvm.otlpEnvironment(receiver, "djl-pytorch-e2e"), 300);
    receiver.close();
  }

  @Test
  void outputsAreIdenticalWithAndWithoutTheAgent() {
    assertEquals(0, withoutAgent.exitCode, withoutAgent.toString());
    assertEquals(0, withAgent.exitCode, withAgent.toString());
    assertTrue(
        withoutAgent.stdout.contains("encoder output (2, 7, 16) sha256: "), withoutAgent.stdout);
    assertTrue(withoutAgent.stdout.contains("output (2, 1, 7, 7) sha256: "), withoutAgent.stdout);
    assertTrue(
        withoutAgent.stdout.contains("torchscript output (2, 4, 7, 7) sha256: "),
        withoutAgent.stdout);
    assertEquals(withoutAgent.stdout, withAgent.stdout);
    assertTrue(withAgent.stderr.contains("[headwatch] started"), withAgent.stderr);
    assertFalse(withAgent.stderr.contains("[headwatch] WARN"), withAgent.stderr);
    assertTrue(receiver.errors.isEmpty(), receiver.errors.toString());
  }

  @Test
  void onePredictionIsOneSpan() {
    List<Span> spans = receiver.spans();
    assertEquals(3, spans.size(), "one span per predict call: " + spans);
    assertEquals(
        List.of(
            "inference " + DjlTransformerApp.ENCODER_NAME,
            "inference " + DjlTransformerApp.OUTPUTS_NAME,
            "inference " + DjlTransformerApp.TORCHSCRIPT_NAME),
        List.of(spans.get(0).getName(), spans.get(1).getName(), spans.get(2).getName()));
    for (Span span : spans) {
      assertEquals("true", OtlpReceiver.attribute(span.getAttributesList(), "headwatch.sampled"));
    }
  }

  @Test
  void blockAttentionStatisticsMatchAnIndependentComputation() throws Exception {
    List<LogRecord> snapshots = snapshots(DjlTransformerApp.ENCODER_NAME);
    assertEquals(DjlTransformerApp.BATCH, snapshots.size(), "one snapshot per sequence");
    double[][][] reference = encoderReference(); // [batch][stat][layer * heads + head]
    for (LogRecord snapshot : snapshots) {
      int b =
          Integer.parseInt(
              OtlpReceiver.attribute(snapshot.getAttributesList(), "headwatch.batch.index"));
      assertEquals(
          Integer.toString(DjlTransformerApp.LAYERS),
          OtlpReceiver.attribute(snapshot.getAttributesList(), "headwatch.layers"));
      assertEquals(
          Integer.toString(DjlTransformerApp.HEADS),
          OtlpReceiver.attribute(snapshot.getAttributesList(), "headwatch.heads"));
      compare(snapshot, reference[b]);
    }
  }

  @Test
  void attentionAmongModelOutputsMatchesAnIndependentComputation() {
    List<LogRecord> snapshots = snapshots(DjlTransformerApp.OUTPUTS_NAME);
    assertEquals(DjlTransformerApp.BATCH, snapshots.size(), "one snapshot per sequence");
    float[] x = DjlTransformerApp.inputValues();
    int s = DjlTransformerApp.LENGTH;
    int e = DjlTransformerApp.EMBEDDING;
    for (LogRecord snapshot : snapshots) {
      int b =
          Integer.parseInt(
              OtlpReceiver.attribute(snapshot.getAttributesList(), "headwatch.batch.index"));
      double[][] a = new double[s][s];
      for (int i = 0; i < s; i++) {
        for (int j = 0; j < s; j++) {
          double dot = 0;
          for (int d = 0; d < e; d++) {
            dot += (double) x[(b * s + i) * e + d] * x[(b * s + j) * e + d];
          }
          a[i][j] = dot / Math.sqrt(e);
        }
        softmax(a[i]);
      }
      double[][] expected = new double[4][1];
      statistics(a, expected, 0);
      compare(snapshot, expected);
    }
  }

  @Test
  void torchScriptAttentionOutputsMatchAnIndependentComputation() throws Exception {
    List<LogRecord> snapshots = snapshots(DjlTransformerApp.TORCHSCRIPT_NAME);
    assertEquals(DjlTransformerApp.BATCH, snapshots.size(), "one snapshot per sequence");
    // The same model and input in this JVM, without the agent: its returned attention tensors.
    DjlChild.configureThisJvm();
    int layers = 2;
    int heads = 4;
    int s = DjlTransformerApp.LENGTH;
    double[][][] expected = new double[DjlTransformerApp.BATCH][4][layers * heads];
    try (Model model = DjlTransformerApp.torchScript();
        ai.djl.inference.Predictor<NDList, NDList> predictor =
            model.newPredictor(new ai.djl.translate.NoopTranslator());
        NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDList out = predictor.predict(new NDList(DjlTransformerApp.input(manager)));
      assertEquals(1 + layers, out.size(), "hidden + one attention per layer, flattened");
      for (int l = 0; l < layers; l++) {
        float[] a = out.get(1 + l).toFloatArray();
        for (int b = 0; b < DjlTransformerApp.BATCH; b++) {
          for (int h = 0; h < heads; h++) {
            double[][] rows = new double[s][s];
            for (int i = 0; i < s; i++) {
              for (int j = 0; j < s; j++) {
                rows[i][j] = a[((b * heads + h) * s + i) * s + j];
              }
            }
            statistics(rows, expected[b], l * heads + h);
          }
        }
      }
    }
    for (LogRecord snapshot : snapshots) {
      int b =
          Integer.parseInt(
              OtlpReceiver.attribute(snapshot.getAttributesList(), "headwatch.batch.index"));
      assertEquals("2", OtlpReceiver.attribute(snapshot.getAttributesList(), "headwatch.layers"));
      assertEquals("4", OtlpReceiver.attribute(snapshot.getAttributesList(), "headwatch.heads"));
      compare(snapshot, expected[b]);
    }
  }

  private static List<LogRecord> snapshots(String model) {
    List<LogRecord> out = new ArrayList<>();
    for (LogRecord record : receiver.logRecords()) {
      if (record.getEventName().equals("headwatch.snapshot")
          && model.equals(
              OtlpReceiver.attribute(record.getAttributesList(), "gen_ai.request.model"))) {
        out.add(record);
      }
    }
    return out;
  }

  private static final String[] KEYS = {
    "headwatch.attention.entropy",
    "headwatch.attention.max_weight",
    "headwatch.attention.sink_mass",
    "headwatch.attention.self_mass"
  };

  private static void compare(LogRecord snapshot, double[][] expected) {
    for (int k = 0; k < KEYS.length; k++) {
      double[] actual = OtlpReceiver.doubles(snapshot.getAttributesList(), KEYS[k]);
      assertNotNull(actual, KEYS[k]);
      assertEquals(expected[k].length, actual.length, KEYS[k]);
      for (int i = 0; i < actual.length; i++) {
        assertTrue(
            Math.abs(expected[k][i] - actual[i]) < TOLERANCE,
            KEYS[k] + "[" + i + "]: expected " + expected[k][i] + ", exported " + actual[i]);
      }
    }
  }

  /** Per sequence, per statistic, per (layer, head): from the blocks' weights, in double. */
  private static double[][][] encoderReference() throws Exception {
    DjlChild.configureThisJvm();
    int layers = DjlTransformerApp.LAYERS;
    int heads = DjlTransformerApp.HEADS;
    int batch = DjlTransformerApp.BATCH;
    int s = DjlTransformerApp.LENGTH;
    int e = DjlTransformerApp.EMBEDDING;
    int headSize = e / heads;
    double[][][] out = new double[batch][4][layers * heads];
    try (Model model = DjlTransformerApp.encoder();
        NDManager manager = NDManager.newBaseManager("PyTorch")) {
      ParameterStore store = new ParameterStore(manager, false);
      NDArray x = DjlTransformerApp.input(manager);
      int l = 0;
      for (Pair<String, Block> child : model.getBlock().getChildren()) {
        TransformerEncoderBlock encoder = (TransformerEncoderBlock) child.getValue();
        ScaledDotProductAttentionBlock attention = null;
        for (Pair<String, Block> part : encoder.getChildren()) {
          if (part.getValue() instanceof ScaledDotProductAttentionBlock) {
            attention = (ScaledDotProductAttentionBlock) part.getValue();
          }
        }
        assertNotNull(attention);
        float[] input = x.toFloatArray();
        double[][] q = project(input, attention.getQueryProjection(), batch * s, e);
        double[][] k = project(input, attention.getKeyProjection(), batch * s, e);
        for (int b = 0; b < batch; b++) {
          for (int h = 0; h < heads; h++) {
            double[][] a = new double[s][s];
            for (int i = 0; i < s; i++) {
              for (int j = 0; j < s; j++) {
                double dot = 0;
                for (int d = h * headSize; d < (h + 1) * headSize; d++) {
                  dot += q[b * s + i][d] * k[b * s + j][d];
                }
                a[i][j] = dot / Math.sqrt(headSize);
              }
              softmax(a[i]);
            }
            statistics(a, out[b], l * heads + h);
          }
        }
        x = encoder.forward(store, new NDList(x), false).head(); // the next layer's input
        l++;
      }
    }
    return out;
  }

  /** y = x W^T + b for a DJL Linear block, in double. */
  private static double[][] project(float[] x, Linear linear, int rows, int width) {
    float[] w = null;
    float[] bias = null;
    for (Pair<String, Parameter> p : linear.getParameters()) {
      if (p.getKey().equals("weight")) {
        w = p.getValue().getArray().toFloatArray();
      } else if (p.getKey().equals("bias")) {
        bias = p.getValue().getArray().toFloatArray();
      }
    }
    assertNotNull(w);
    assertNotNull(bias);
    int units = bias.length;
    double[][] y = new double[rows][units];
    for (int r = 0; r < rows; r++) {
      for (int u = 0; u < units; u++) {
        double sum = bias[u];
        for (int d = 0; d < width; d++) {
          sum += (double) x[r * width + d] * w[u * width + d];
        }
        y[r][u] = sum;
      }
    }
    return y;
  }

  /** Stable softmax in place: exp(x - max) / sum(exp(x - max)). */
  private static void softmax(double[] row) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : row) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int j = 0; j < row.length; j++) {
      row[j] = Math.exp(row[j] - max);
      sum += row[j];
    }
    for (int j = 0; j < row.length; j++) {
      row[j] /= sum;
    }
  }

  /** Entropy / ln n, max weight, first-token mass and self mass, averaged over queries. */
  private static void statistics(double[][] a, double[][] out, int index) {
    int n = a.length;
    double entropy = 0;
    double max = 0;
    double sink = 0;
    double self = 0;
    for (int i = 0; i < n; i++) {
      double h = 0;
      double m = 0;
      for (int j = 0; j < n; j++) {
        if (a[i][j] > 0) {
          h -= a[i][j] * Math.log(a[i][j]);
        }
        m = Math.max(m, a[i][j]);
      }
      entropy += h / Math.log(n);
      max += m;
      sink += a[i][0];
      self += a[i][i];
    }
    out[0][index] = entropy / n;
    out[1][index] = max / n;
    out[2][index] = sink / n;
    out[3][index] = self / n;
  }
}
