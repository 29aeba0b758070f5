package io.headwatch.agent.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.headwatch.agent.export.ModelTelemetry;
import io.headwatch.agent.export.SnapshotBuilder;
import io.headwatch.agent.onnx.graph.CapturePlan;
import io.headwatch.agent.stats.ActivationStatistics;
import io.headwatch.agent.stats.ActivationSummary;
import io.headwatch.agent.stats.AttentionStatistics;
import io.headwatch.agent.util.AgentLog;
import io.opentelemetry.api.trace.SpanContext;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * On the worker thread: runs the capture session on a sampled inference's copied inputs, reduces
 * the attention maps and hidden states to statistics, and records them (metrics for every sequence,
 * a snapshot log record for the first few).
 */
final class CaptureTask implements Runnable {
  private final OrtEnvironment environment;
  private final ObservedModel model;
  private CaptureSession capture;
  private final ModelTelemetry telemetry;
  private final CopiedInputs inputs;
  private final String maskInput;
  private final SpanContext span;
  private final int[] tokens;
  private java.util.List<java.util.List<String>> tokenTexts;
  private io.opentelemetry.api.common.Attributes[] extras;

  CaptureTask(
      OrtEnvironment environment,
      ObservedModel model,
      ModelTelemetry telemetry,
      CopiedInputs inputs,
      String maskInput,
      SpanContext span,
      int[] tokens) {
    this.environment = environment;
    this.model = model;
    this.telemetry = telemetry;
    this.inputs = inputs;
    this.maskInput = maskInput;
    this.span = span;
    this.tokens = tokens;
  }

  /** Token texts per sequence for the snapshots (token capture on), or null. */
  void tokenTexts(java.util.List<java.util.List<String>> texts) {
    this.tokenTexts = texts;
  }

  /** Further attributes per sequence for the snapshots (classifier output), or null. */
  void extras(io.opentelemetry.api.common.Attributes[] perSequence) {
    this.extras = perSequence;
  }

  @Override
  public void run() {
    try {
      capture();
    } finally {
      model.taskDone();
    }
  }

  private void capture() {
    capture = model.awaitCapture();
    if (capture == null) {
      telemetry.agent().recordDropped("capture_unavailable");
      return;
    }
    long start = System.nanoTime();
    Map<String, OnnxTensor> tensors = null;
    try {
      tensors = inputs.toTensors(environment);
      try (OrtSession.Result result = capture.run(tensors)) {
        if (result == null) {
          return; // the application closed its session meanwhile
        }
        long ran = System.nanoTime();
        telemetry.recordCaptureRunOverhead(ran - start);
        reduce(result);
        telemetry.recordStatisticsOverhead(System.nanoTime() - ran);
      }
    } catch (Throwable t) {
      telemetry.agent().recordDropped("capture_error");
      AgentLog.warnOnce(
          "capture-" + telemetry.model() + "-" + t.getClass().getName(),
          "capture of a sampled inference of model " + telemetry.model() + " failed",
          t);
    } finally {
      if (tensors != null) {
        tensors.values().forEach(OnnxTensor::close);
      }
    }
  }

  private void reduce(OrtSession.Result result) {
    CapturePlan plan = capture.plan();
    int layers = 0;
    for (CapturePlan.Site site : plan.attention()) {
      layers = Math.max(layers, site.layer() + 1);
    }
    for (CapturePlan.Site site : plan.hiddenStates()) {
      layers = Math.max(layers, site.layer() + 1);
    }
    long[] mask = maskInput == null ? null : inputs.longValues(maskInput);
    int snapshots = Math.min(capture.snapshotMaxSequences(), Math.max(tokens.length, 1));
    SnapshotBuilder[] builders = new SnapshotBuilder[snapshots];

    for (CapturePlan.Site site : plan.attention()) {
      Tensor t = Tensor.of(result, site.tensorName());
      if (t == null || t.shape.length != 4 || t.shape[2] != t.shape[3]) {
        AgentLog.warnOnce(
            "attention-shape-" + site.tensorName(),
            "attention tensor " + site.tensorName() + " is not [batch, heads, query, key]; skipped",
            null);
        continue;
      }
      int batch = (int) t.shape[0];
      int heads = (int) t.shape[1];
      int length = (int) t.shape[2];
      double[] out = new double[heads * AttentionStatistics.COUNT];
      for (int b = 0; b < batch; b++) {
        boolean[] valid = validPositions(mask, b, length);
        int offset = b * heads * length * length;
        if (AttentionStatistics.compute(t.values, offset, heads, length, valid, out) == 0) {
          continue;
        }
        telemetry.recordAttentionLayer(layers, site.layer(), heads, out);
        if (b < snapshots) {
          builder(builders, b, layers).attention(site.layer(), heads, out);
        }
      }
    }

    ActivationStatistics activations = new ActivationStatistics();
    ActivationSummary summary = new ActivationSummary();
    for (CapturePlan.Site site : plan.hiddenStates()) {
      Tensor t = Tensor.of(result, site.tensorName());
      if (t == null || t.shape.length != 3) {
        AgentLog.warnOnce(
            "hidden-shape-" + site.tensorName(),
            "hidden state " + site.tensorName() + " is not [batch, sequence, hidden]; skipped",
            null);
        continue;
      }
      int batch = (int) t.shape[0];
      int length = (int) t.shape[1];
      int width = (int) t.shape[2];
      for (int b = 0; b < batch; b++) {
        boolean[] valid = validPositions(mask, b, length);
        activations.summarize(t.values, b * length * width, length, width, valid, summary);
        if (summary.count() == 0 && summary.nonFiniteCount() == 0) {
          continue;
        }
        telemetry.recordActivation(site.layer(), summary);
        if (b < snapshots) {
          builder(builders, b, layers).activation(site.layer(), summary);
        }
      }
    }

    for (int b = 0; b < builders.length; b++) {
      if (builders[b] != null) {
        if (tokenTexts != null && b < tokenTexts.size()) {
          builders[b].tokens(tokenTexts.get(b));
        }
        if (extras != null && b < extras.length) {
          builders[b].extra(extras[b]);
        }
        builders[b].emit(telemetry.snapshot(span), b < tokens.length ? tokens[b] : -1);
      }
    }
  }

  private static SnapshotBuilder builder(SnapshotBuilder[] builders, int b, int layers) {
    if (builders[b] == null) {
      builders[b] = new SnapshotBuilder(b, layers);
    }
    return builders[b];
  }

  /** Valid positions of sequence {@code b} from the copied mask; all valid without a mask. */
  private static boolean[] validPositions(long[] mask, int b, int length) {
    if (mask == null || mask.length < (long) (b + 1) * length) {
      boolean[] all = new boolean[length];
      Arrays.fill(all, true);
      return all;
    }
    return AttentionStatistics.validFromMask(mask, b * length, length);
  }

  /** A float tensor read out of the capture result. */
  private static final class Tensor {
    final long[] shape;
    final float[] values;

    private Tensor(long[] shape, float[] values) {
      this.shape = shape;
      this.values = values;
    }

    static Tensor of(OrtSession.Result result, String name) {
      Optional<OnnxValue> value = result.get(name);
      if (value.isEmpty() || !(value.get() instanceof OnnxTensor)) {
        return null;
      }
      OnnxTensor tensor = (OnnxTensor) value.get();
      FloatBuffer buffer = tensor.getFloatBuffer();
      if (buffer == null) {
        return null;
      }
      float[] values;
      if (buffer.hasArray()
          && buffer.arrayOffset() == 0
          && buffer.position() == 0
          && buffer.array().length == buffer.remaining()) {
        values = buffer.array();
      } else {
        values = new float[buffer.remaining()];
        buffer.get(values);
      }
      return new Tensor(tensor.getInfo().getShape(), values);
    }
  }
}
