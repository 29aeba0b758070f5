package io.headwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.io.File;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * For a fixed, padded input, the statistics the agent exports (through real OTLP, from a child JVM)
 * agree within 1e-4 with a computation written here, independently of the agent, over attention
 * maps and hidden states taken straight from ONNX Runtime.
 *
 * <p>The reference model is made here with protobuf's generic {@link UnknownFieldSet}, not with the
 * agent's rewriter; the tensor names are those of all-MiniLM-L6-v2's export.
 */
class StatisticsMatchIndependentComputationIT {
  private static final int LAYERS = 6;
  private static final double TOLERANCE = 1e-4;

  private static ChildJvm withoutAgent;
  private static ChildJvm withAgent;
  private static final List<LogRecord> SNAPSHOTS = new ArrayList<>();
  private static OtlpReceiver receiver;

  @BeforeAll
  static void runApplication() throws Exception {
    String classpath =
        String.join(
            File.pathSeparator,
            System.getProperty("basedir", ".") + "/target/test-classes",
            ChildJvm.requiredProperty("onnxruntime.jar"),
            ChildJvm.requiredProperty("minilm.jar"),
            ChildJvm.requiredProperty("app-otel-api.jar"),
            ChildJvm.requiredProperty("app-otel-context.jar"));
    List<String> main = List.of("-cp", classpath, FixedInputApp.class.getName());
    withoutAgent = ChildJvm.run(List.of(), main, Map.of(), 180);
    receiver = new OtlpReceiver();
    withAgent =
        ChildJvm.run(
            List.of(
                "-javaagent:" + ChildJvm.agentJar() + "=sampling.rate=1.0,overhead.budget=none"),
            main,
            ChildJvm.otlpEnvironment(receiver, "fixed-input-e2e"),
            180);
    receiver.close();
    for (LogRecord record : receiver.logRecords()) {
      if (record.getEventName().equals("headwatch.snapshot")) {
        SNAPSHOTS.add(record);
      }
    }
  }

  @Test
  void applicationSeesExactlyWhatItSawWithoutTheAgent() {
    assertEquals(0, withoutAgent.exitCode, withoutAgent.toString());
    assertEquals(0, withAgent.exitCode, withAgent.toString());
    assertTrue(withoutAgent.stdout.contains("outputs: [last_hidden_state]"), withoutAgent.stdout);
    assertTrue(withoutAgent.stdout.contains("result size: 1"), withoutAgent.stdout);
    assertTrue(
        withoutAgent.stdout.contains("exception: ai.onnxruntime.OrtException"),
        withoutAgent.stdout);
    // Output names, count, values (as a digest of their bits) and the exception, line for line.
    assertEquals(withoutAgent.stdout, withAgent.stdout);
  }

  @Test
  void applicationKeepsItsOwnOpenTelemetryVersion() {
    assertTrue(
        withAgent.stdout.contains("app opentelemetry-api: opentelemetry-api-1.44.1.jar"),
        withAgent.stdout);
    assertTrue(withAgent.stderr.contains("[headwatch] started"), withAgent.stderr);
    assertFalse(withAgent.stderr.contains("[headwatch] WARN"), withAgent.stderr);
    assertFalse(withAgent.stderr.contains("LinkageError"), withAgent.stderr);
  }

  @Test
  void inferenceSpansAreChildrenOfTheApplicationsCurrentSpan() {
    List<io.opentelemetry.proto.trace.v1.Span> spans = receiver.spans();
    assertEquals(2, spans.size(), "the successful run and the failing one");
    for (io.opentelemetry.proto.trace.v1.Span span : spans) {
      assertEquals(
          FixedInputApp.REQUEST_TRACE_ID,
          java.util.HexFormat.of().formatHex(span.getTraceId().toByteArray()),
          span.getName());
      assertEquals(
          FixedInputApp.REQUEST_SPAN_ID,
          java.util.HexFormat.of().formatHex(span.getParentSpanId().toByteArray()),
          span.getName());
    }
    for (LogRecord snapshot : SNAPSHOTS) {
      assertEquals(
          FixedInputApp.REQUEST_TRACE_ID,
          java.util.HexFormat.of().formatHex(snapshot.getTraceId().toByteArray()));
    }
  }

  @Test
  void exportedStatisticsAgreeWithIndependentComputation() throws Exception {
    assertTrue(receiver.errors.isEmpty(), receiver.errors.toString());
    assertEquals(2, SNAPSHOTS.size(), "one snapshot per sequence of the batch; child " + withAgent);
    Reference reference = Reference.compute();
    for (LogRecord snapshot : SNAPSHOTS) {
      int b =
          Integer.parseInt(
              OtlpReceiver.attribute(snapshot.getAttributesList(), "headwatch.batch.index"));
      int validTokens = (int) java.util.Arrays.stream(FixedInputs.ATTENTION_MASK[b]).sum();
      assertEquals(
          Integer.toString(validTokens),
          OtlpReceiver.attribute(snapshot.getAttributesList(), "gen_ai.usage.input_tokens"));
      assertEquals("12", OtlpReceiver.attribute(snapshot.getAttributesList(), "headwatch.heads"));
      compare(snapshot, "headwatch.attention.entropy", reference.entropy[b]);
      compare(snapshot, "headwatch.attention.max_weight", reference.maxWeight[b]);
      compare(snapshot, "headwatch.attention.sink_mass", reference.sinkMass[b]);
      compare(snapshot, "headwatch.activation.mean", reference.mean[b]);
      compare(snapshot, "headwatch.activation.std", reference.std[b]);
      compare(snapshot, "headwatch.activation.abs_max", reference.absMax[b]);
    }
  }

  private static void compare(LogRecord snapshot, String key, double[] expected) {
    double[] actual = OtlpReceiver.doubles(snapshot.getAttributesList(), key);
    assertNotNull(actual, key);
    assertEquals(expected.length, actual.length, key);
    for (int i = 0; i < expected.length; i++) {
      assertTrue(
          Math.abs(expected[i] - actual[i]) < TOLERANCE,
          key + "[" + i + "]: expected " + expected[i] + ", exported " + actual[i]);
    }
  }

  /** Statistics computed here, in double precision, from ONNX Runtime's own tensors. */
  private static final class Reference {
    double[][] entropy = new double[2][];
    double[][] maxWeight = new double[2][];
    double[][] sinkMass = new double[2][];
    double[][] mean = new double[2][LAYERS];
    double[][] std = new double[2][LAYERS];
    double[][] absMax = new double[2][LAYERS];

    static String softmax(int layer) {
      return "/encoder/layer." + layer + "/attention/self/Softmax_output_0";
    }

    static String hidden(int layer) {
      return layer == LAYERS - 1
          ? "last_hidden_state"
          : "/encoder/layer." + layer + "/output/LayerNorm/Add_1_output_0";
    }

    static Reference compute() throws Exception {
      Set<String> outputs = new LinkedHashSet<>();
      for (int l = 0; l < LAYERS; l++) {
        outputs.add(softmax(l));
        outputs.add(hidden(l));
      }
      byte[] model = withOutputs(readModel(), outputs);
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      Reference r = new Reference();
      try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
          OnnxTensor ids = FixedInputApp.tensor(env, FixedInputs.INPUT_IDS);
          OnnxTensor mask = FixedInputApp.tensor(env, FixedInputs.ATTENTION_MASK);
          OnnxTensor types =
              FixedInputApp.tensor(env, new long[2][FixedInputs.INPUT_IDS[0].length]);
          OrtSession.Result result =
              session.run(
                  Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types),
                  outputs)) {
        for (int b = 0; b < 2; b++) {
          r.entropy[b] = new double[LAYERS * 12];
          r.maxWeight[b] = new double[LAYERS * 12];
          r.sinkMass[b] = new double[LAYERS * 12];
        }
        for (int l = 0; l < LAYERS; l++) {
          OnnxTensor attention = (OnnxTensor) result.get(softmax(l)).orElseThrow();
          long[] shape = attention.getInfo().getShape();
          assertEquals(List.of(2L, 12L, 9L, 9L), List.of(shape[0], shape[1], shape[2], shape[3]));
          float[] a = floats(attention.getFloatBuffer());
          OnnxTensor hidden = (OnnxTensor) result.get(hidden(l)).orElseThrow();
          float[] x = floats(hidden.getFloatBuffer());
          for (int b = 0; b < 2; b++) {
            attentionReference(a, b, l, r);
            activationReference(x, b, l, r);
          }
        }
      }
      return r;
    }

    /** Per head: mean over valid queries of normalised entropy, max weight and weight on key 0. */
    private static void attentionReference(float[] a, int b, int layer, Reference r) {
      long[] mask = FixedInputs.ATTENTION_MASK[b];
      int len = mask.length;
      int n = 0;
      for (long m : mask) {
        n += (int) m;
      }
      for (int h = 0; h < 12; h++) {
        double entropySum = 0;
        double maxSum = 0;
        double sinkSum = 0;
        int queries = 0;
        for (int i = 0; i < len; i++) {
          if (mask[i] == 0) {
            continue;
          }
          queries++;
          double rowEntropy = 0;
          double rowMax = 0;
          for (int j = 0; j < len; j++) {
            if (mask[j] == 0) {
              continue;
            }
            double w = a[((b * 12 + h) * len + i) * len + j];
            if (w > 0) {
              rowEntropy -= w * Math.log(w);
            }
            rowMax = Math.max(rowMax, w);
          }
          entropySum += rowEntropy / Math.log(n);
          maxSum += rowMax;
          sinkSum += a[((b * 12 + h) * len + i) * len];
        }
        r.entropy[b][layer * 12 + h] = entropySum / queries;
        r.maxWeight[b][layer * 12 + h] = maxSum / queries;
        r.sinkMass[b][layer * 12 + h] = sinkSum / queries;
      }
    }

    /** Mean, population standard deviation and absolute max over valid positions. */
    private static void activationReference(float[] x, int b, int layer, Reference r) {
      long[] mask = FixedInputs.ATTENTION_MASK[b];
      int len = mask.length;
      int width = x.length / (2 * len);
      double sum = 0;
      double absMax = 0;
      int count = 0;
      for (int i = 0; i < len; i++) {
        if (mask[i] == 0) {
          continue;
        }
        for (int d = 0; d < width; d++) {
          double v = x[(b * len + i) * width + d];
          sum += v;
          absMax = Math.max(absMax, Math.abs(v));
          count++;
        }
      }
      double mean = sum / count;
      double squares = 0;
      for (int i = 0; i < len; i++) {
        if (mask[i] == 0) {
          continue;
        }
        for (int d = 0; d < width; d++) {
          double dev = x[(b * len + i) * width + d] - mean;
          squares += dev * dev;
        }
      }
      r.mean[b][layer] = mean;
      r.std[b][layer] = Math.sqrt(squares / count);
      r.absMax[b][layer] = absMax;
    }

    private static float[] floats(FloatBuffer buffer) {
      float[] out = new float[buffer.remaining()];
      buffer.get(out);
      return out;
    }

    private static byte[] readModel() throws Exception {
      try (ZipFile jar = new ZipFile(ChildJvm.requiredProperty("minilm.jar"));
          InputStream in = jar.getInputStream(jar.getEntry("all-minilm-l6-v2.onnx"))) {
        return in.readAllBytes();
      }
    }

    /**
     * Adds graph outputs (GraphProto.output = 12, ValueInfoProto.name = 1) inside ModelProto.graph
     * (= 7), using protobuf's schema-less representation.
     */
    private static byte[] withOutputs(byte[] model, Set<String> names) throws Exception {
      UnknownFieldSet modelFields = UnknownFieldSet.parseFrom(model);
      ByteString graphBytes = modelFields.getField(7).getLengthDelimitedList().get(0);
      UnknownFieldSet graph = UnknownFieldSet.parseFrom(graphBytes);
      Set<String> existing = new LinkedHashSet<>();
      for (ByteString output : graph.getField(12).getLengthDelimitedList()) {
        existing.add(
            UnknownFieldSet.parseFrom(output)
                .getField(1)
                .getLengthDelimitedList()
                .get(0)
                .toStringUtf8());
      }
      UnknownFieldSet.Field.Builder outputs =
          UnknownFieldSet.Field.newBuilder().mergeFrom(graph.getField(12));
      for (String name : names) {
        if (existing.contains(name)) {
          continue;
        }
        UnknownFieldSet valueInfo =
            UnknownFieldSet.newBuilder()
                .addField(
                    1,
                    UnknownFieldSet.Field.newBuilder()
                        .addLengthDelimited(ByteString.copyFromUtf8(name))
                        .build())
                .build();
        outputs.addLengthDelimited(valueInfo.toByteString());
      }
      UnknownFieldSet newGraph = graph.toBuilder().addField(12, outputs.build()).build();
      return modelFields.toBuilder()
          .addField(
              7,
              UnknownFieldSet.Field.newBuilder()
                  .addLengthDelimited(newGraph.toByteString())
                  .build())
          .build()
          .toByteArray();
    }
  }
}
