package io.headwatch.agent.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtSession;
import io.headwatch.agent.capture.Capture;
import io.headwatch.agent.capture.FloatTensor;
import io.headwatch.agent.capture.PendingCapture;
import io.headwatch.agent.export.ModelTelemetry;
import io.headwatch.agent.export.SnapshotRecords;
import io.headwatch.agent.onnx.graph.CapturePlan;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A sampled inference re-run on the capture session from a copy of its inputs, on the statistics
 * worker: the path while the capture session is being prepared or verified, and for models it may
 * not serve. When {@code expected} holds the application's outputs, the re-run also checks that the
 * capture session reproduces them bit for bit ({@link ObservedSession#verified}).
 */
final class RerunCapture implements PendingCapture {
  private final ObservedSession session;
  private final ModelTelemetry model;
  private final SpanContext span;
  private final CopiedInputs inputs;
  private final OutputBits expected;
  private final int[] tokens;
  private final long[] mask;
  private final List<List<String>> tokenTexts;
  private Attributes[] extras;

  RerunCapture(
      ObservedSession session,
      ModelTelemetry model,
      SpanContext span,
      CopiedInputs inputs,
      OutputBits expected,
      int[] tokens,
      long[] mask,
      List<List<String>> tokenTexts) {
    this.session = session;
    this.model = model;
    this.span = span;
    this.inputs = inputs;
    this.expected = expected;
    this.tokens = tokens;
    this.mask = mask;
    this.tokenTexts = tokenTexts;
  }

  /** Further snapshot attributes per sequence (a framework's output facts), or null. */
  void extras(Attributes[] perSequence) {
    this.extras = perSequence;
  }

  @Override
  public ModelTelemetry model() {
    return model;
  }

  @Override
  public boolean runsModel() {
    return true;
  }

  @Override
  public long bytes() {
    return inputs.bytes() + (expected == null ? 0 : expected.bytes());
  }

  @Override
  public Capture resolve() throws Exception {
    CaptureSession capture = session.awaitCapture();
    if (capture == null) {
      model.agent().recordDropped("capture_unavailable");
      SnapshotRecords.emitDropped(model, span, "capture_unavailable");
      return null;
    }
    Map<String, OnnxTensor> tensors =
        OnnxShutdownGuard.asAgent(() -> inputs.toTensors(session.environment()));
    OrtSession.Result result = null;
    try {
      Set<String> requested = expected == null ? Set.of() : expected.names();
      result = capture.run(tensors, requested, null);
      if (result == null) {
        model.agent().recordDropped("session_closed");
        SnapshotRecords.emitDropped(model, span, "session_closed");
        return null;
      }
      if (expected != null) {
        OrtSession.Result r = result;
        session.verified(OnnxShutdownGuard.asAgent(() -> expected.matches(r)));
      }
      return toCapture(capture.plan(), result);
    } finally {
      OrtSession.Result r = result;
      OnnxShutdownGuard.quietly(
          () -> {
            if (r != null) {
              r.close();
            }
            tensors.values().forEach(OnnxTensor::close);
            return null;
          },
          "closing a re-run's tensors");
    }
  }

  private Capture toCapture(CapturePlan plan, OrtSession.Result result) throws Exception {
    Capture.Builder b =
        Capture.builder(model, span)
            .tokens(tokens)
            .mask(mask)
            .tokenTexts(tokenTexts)
            .extras(extras);
    for (CapturePlan.Site site : plan.attention()) {
      FloatTensor t = copy(result, site.tensorName());
      if (t != null) {
        b.attention(site.layer(), t);
      }
    }
    for (CapturePlan.Site site : plan.headOutputs()) {
      FloatTensor t = copy(result, site.tensorName());
      if (t != null) {
        b.headOutput(site.layer(), t);
      }
    }
    for (CapturePlan.Site site : plan.hiddenStates()) {
      FloatTensor t = copy(result, site.tensorName());
      if (t != null) {
        b.hiddenState(site.layer(), t);
      }
    }
    return b.build();
  }

  private static FloatTensor copy(OrtSession.Result result, String name) throws Exception {
    Optional<OnnxValue> value = result.get(name);
    if (value.isEmpty() || !(value.get() instanceof OnnxTensor t)) {
      return null;
    }
    FloatBuffer buffer = OnnxShutdownGuard.asAgent(t::getFloatBuffer);
    if (buffer == null) {
      return null;
    }
    float[] values = new float[buffer.remaining()];
    buffer.get(values);
    return FloatTensor.of(t.getInfo().getShape(), values);
  }

  @Override
  public boolean measured() {
    return expected == null; // a verification re-run is a one-off cost
  }

  @Override
  public void release() {
    session.taskDone();
  }
}
