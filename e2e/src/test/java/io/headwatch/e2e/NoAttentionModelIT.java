package io.headwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A model without attention (Relu then Add, no Softmax) under the agent at sampling 1.0: the
 * application prints exactly what it prints without the agent, the agent says once that it finds no
 * attention, and the export carries inference-level telemetry only.
 */
class NoAttentionModelIT {
  private static final String GRAPH_NAME = "relu_add";

  private static Path modelFile;
  private static ChildJvm withoutAgent;
  private static ChildJvm withAgent;
  private static OtlpReceiver receiver;

  @BeforeAll
  static void runBoth() throws Exception {
    modelFile = Files.createTempFile("no-attention", ".onnx");
    Files.write(modelFile, reluAddModel());
    String classpath =
        String.join(
            File.pathSeparator,
            System.getProperty("basedir", ".") + "/target/test-classes",
            ChildJvm.requiredProperty("onnxruntime.jar"));
    List<String> main =
        List.of("-cp", classpath, NoAttentionApp.class.getName(), modelFile.toString());
    withoutAgent = ChildJvm.run(List.of(), main, Map.of(), 120);
    receiver = new OtlpReceiver();
    withAgent =
        ChildJvm.run(
            List.of(
                "-javaagent:" + ChildJvm.agentJar() + "=sampling.rate=1.0,overhead.budget=none"),
            main,
            ChildJvm.otlpEnvironment(receiver, "no-attention-e2e"),
            120);
    receiver.close();
  }

  @AfterAll
  static void deleteModel() throws Exception {
    if (modelFile != null) {
      Files.deleteIfExists(modelFile);
    }
  }

  // ---- the model, written with protobuf's schema-less UnknownFieldSet (field numbers: onnx.proto)

  private static UnknownFieldSet.Field varint(long value) {
    return UnknownFieldSet.Field.newBuilder().addVarint(value).build();
  }

  private static UnknownFieldSet.Field bytes(ByteString... values) {
    UnknownFieldSet.Field.Builder f = UnknownFieldSet.Field.newBuilder();
    for (ByteString v : values) {
      f.addLengthDelimited(v);
    }
    return f.build();
  }

  private static UnknownFieldSet.Field strings(String... values) {
    UnknownFieldSet.Field.Builder f = UnknownFieldSet.Field.newBuilder();
    for (String v : values) {
      f.addLengthDelimited(ByteString.copyFromUtf8(v));
    }
    return f.build();
  }

  /** NodeProto: input = 1, output = 2, name = 3, op_type = 4. */
  private static ByteString node(String name, String opType, List<String> inputs, String output) {
    return UnknownFieldSet.newBuilder()
        .addField(1, strings(inputs.toArray(new String[0])))
        .addField(2, strings(output))
        .addField(3, strings(name))
        .addField(4, strings(opType))
        .build()
        .toByteString();
  }

  /**
   * ValueInfoProto (name = 1, type = 2) of a float [1, 4] tensor: TypeProto.tensor_type = 1;
   * elem_type = 1 (FLOAT), shape = 2; TensorShapeProto.dim = 1; dim_value = 1.
   */
  private static ByteString floatTensor14(String name) {
    ByteString one = UnknownFieldSet.newBuilder().addField(1, varint(1)).build().toByteString();
    ByteString four = UnknownFieldSet.newBuilder().addField(1, varint(4)).build().toByteString();
    ByteString shape =
        UnknownFieldSet.newBuilder().addField(1, bytes(one, four)).build().toByteString();
    ByteString tensorType =
        UnknownFieldSet.newBuilder()
            .addField(1, varint(1))
            .addField(2, bytes(shape))
            .build()
            .toByteString();
    ByteString type =
        UnknownFieldSet.newBuilder().addField(1, bytes(tensorType)).build().toByteString();
    return UnknownFieldSet.newBuilder()
        .addField(1, strings(name))
        .addField(2, bytes(type))
        .build()
        .toByteString();
  }

  /**
   * ModelProto: ir_version = 1 (8), producer_name = 2, graph = 7, opset_import = 8 (default domain,
   * version 13). GraphProto: node = 1, name = 2, input = 11, output = 12.
   */
  static byte[] reluAddModel() {
    ByteString graph =
        UnknownFieldSet.newBuilder()
            .addField(
                1,
                bytes(
                    node("relu", "Relu", List.of("x"), "r"),
                    node("add", "Add", List.of("r", "r"), "y")))
            .addField(2, strings(GRAPH_NAME))
            .addField(11, bytes(floatTensor14("x")))
            .addField(12, bytes(floatTensor14("y")))
            .build()
            .toByteString();
    ByteString opset =
        UnknownFieldSet.newBuilder()
            .addField(1, strings(""))
            .addField(2, varint(13))
            .build()
            .toByteString();
    return UnknownFieldSet.newBuilder()
        .addField(1, varint(8))
        .addField(2, strings("headwatch-e2e"))
        .addField(7, bytes(graph))
        .addField(8, bytes(opset))
        .build()
        .toByteArray();
  }

  /** What the application must print, computed here: y = 2 * max(x, 0), exact in float. */
  private static String expectedStdout() {
    StringBuilder out = new StringBuilder();
    out.append("inputs: [x]").append(System.lineSeparator());
    out.append("outputs: [y]").append(System.lineSeparator());
    for (int i = 0; i < NoAttentionApp.RUNS; i++) {
      out.append("run ").append(i).append(':');
      for (float x : NoAttentionApp.input(i)) {
        float relu = x > 0 ? x : 0.0f;
        out.append(' ').append(Float.toString(relu + relu));
      }
      out.append(System.lineSeparator());
    }
    return out.toString();
  }

  @Test
  void applicationOutputIsCorrectAndIdenticalWithTheAgent() {
    assertEquals(0, withoutAgent.exitCode, withoutAgent.toString());
    assertEquals(0, withAgent.exitCode, withAgent.toString());
    assertEquals(expectedStdout(), withoutAgent.stdout);
    assertEquals(withoutAgent.stdout, withAgent.stdout);
  }

  @Test
  void agentSaysNoAttentionAndWarnsNothing() {
    assertTrue(withAgent.stderr.contains("[headwatch] started"), withAgent.stderr);
    assertTrue(withAgent.stderr.contains("no attention"), withAgent.stderr);
    assertFalse(withAgent.stderr.contains("[headwatch] WARN"), withAgent.stderr);
    assertFalse(withAgent.stderr.contains("Exception"), withAgent.stderr);
    assertFalse(withoutAgent.stderr.contains("[headwatch]"), withoutAgent.stderr);
    assertTrue(receiver.errors.isEmpty(), receiver.errors.toString());
  }

  @Test
  void oneSpanPerInference() {
    List<Span> spans = receiver.spans();
    assertEquals(NoAttentionApp.RUNS, spans.size(), spans.toString());
    for (Span span : spans) {
      assertEquals(
          GRAPH_NAME,
          OtlpReceiver.attribute(span.getAttributesList(), "gen_ai.request.model"),
          span.toString());
      assertEquals(
          "inference",
          OtlpReceiver.attribute(span.getAttributesList(), "gen_ai.operation.name"),
          span.toString());
      assertEquals("inference " + GRAPH_NAME, span.getName());
    }
  }

  @Test
  void durationHistogramCountsEveryInference() {
    List<Metric> durations = receiver.metricsNamed("gen_ai.client.operation.duration");
    assertFalse(durations.isEmpty(), "no gen_ai.client.operation.duration received");
    long cumulativeMax = 0;
    long deltaSum = 0;
    for (Metric metric : durations) {
      assertTrue(metric.hasHistogram(), metric.toString());
      long count = 0;
      for (HistogramDataPoint point : metric.getHistogram().getDataPointsList()) {
        assertEquals(
            GRAPH_NAME, OtlpReceiver.attribute(point.getAttributesList(), "gen_ai.request.model"));
        count += point.getCount();
      }
      if (metric.getHistogram().getAggregationTemporality()
          == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA) {
        deltaSum += count;
      } else {
        cumulativeMax = Math.max(cumulativeMax, count);
      }
    }
    assertEquals(NoAttentionApp.RUNS, cumulativeMax + deltaSum);
  }

  @Test
  void noAttentionOrActivationTelemetry() {
    List<String> names = new ArrayList<>();
    receiver.metrics.forEach(
        request ->
            request
                .getResourceMetricsList()
                .forEach(
                    rm ->
                        rm.getScopeMetricsList()
                            .forEach(
                                sm -> sm.getMetricsList().forEach(m -> names.add(m.getName())))));
    assertTrue(names.contains("gen_ai.client.operation.duration"), names.toString());
    for (String name : names) {
      assertFalse(name.startsWith("headwatch.attention."), name);
      assertFalse(name.startsWith("headwatch.activation."), name);
    }
    // No statistics: a sampled inference queued before the agent knew the model cannot be
    // captured is reported as dropped, with the reason.
    for (LogRecord record : receiver.logRecords()) {
      if (record.getEventName().equals("headwatch.snapshot")) {
        assertEquals(
            "dropped",
            OtlpReceiver.attribute(record.getAttributesList(), "headwatch.capture.status"),
            record.toString());
        assertEquals(
            "capture_unavailable",
            OtlpReceiver.attribute(record.getAttributesList(), "headwatch.capture.drop_reason"));
        assertNull(OtlpReceiver.value(record.getAttributesList(), "headwatch.attention.entropy"));
      }
    }
  }
}
