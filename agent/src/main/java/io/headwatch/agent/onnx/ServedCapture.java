package io.headwatch.agent.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import io.headwatch.agent.capture.Capture;
import io.headwatch.agent.capture.FloatTensor;
import io.headwatch.agent.export.ModelTelemetry;
import io.headwatch.agent.onnx.graph.CapturePlan;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import java.util.List;
import java.util.Map;

/**
 * The capture outputs of a served call, still in ONNX Runtime's memory, until they become a {@link
 * Capture} (once the span exists) and the statistics worker has read them.
 */
final class ServedCapture {
  private final CapturePlan plan;
  private final Map<String, OnnxValue> outputs;
  private final Map<String, FloatTensor> copied;

  /**
   * @param outputs capture outputs only the agent holds (closed when released)
   * @param copied capture outputs the application also received (a graph output that is also a
   *     capture site, such as the last hidden state), copied before the application got them
   */
  ServedCapture(CapturePlan plan, Map<String, OnnxValue> outputs, Map<String, FloatTensor> copied) {
    this.plan = plan;
    this.outputs = outputs;
    this.copied = copied;
  }

  /**
   * The capture, linked to {@code span}; its release closes the native tensors, then runs {@code
   * afterRelease}.
   */
  Capture toCapture(
      ModelTelemetry model,
      SpanContext span,
      int[] tokens,
      long[] mask,
      List<List<String>> texts,
      Attributes[] extras,
      Runnable afterRelease) {
    Capture.Builder b =
        Capture.builder(model, span).tokens(tokens).mask(mask).tokenTexts(texts).extras(extras);
    for (CapturePlan.Site site : plan.attention()) {
      FloatTensor t = tensor(site.tensorName());
      if (t != null) {
        b.attention(site.layer(), t);
      }
    }
    for (CapturePlan.Site site : plan.headOutputs()) {
      FloatTensor t = tensor(site.tensorName());
      if (t != null) {
        b.headOutput(site.layer(), t);
      }
    }
    for (CapturePlan.Site site : plan.hiddenStates()) {
      FloatTensor t = tensor(site.tensorName());
      if (t != null) {
        b.hiddenState(site.layer(), t);
      }
    }
    b.onRelease(
        () -> {
          try {
            close();
          } finally {
            afterRelease.run();
          }
        });
    return b.build();
  }

  private FloatTensor tensor(String name) {
    FloatTensor known = copied.get(name);
    if (known != null) {
      return known;
    }
    OnnxValue value = outputs.get(name);
    if (!(value instanceof OnnxTensor onnx)
        || onnx.getInfo().type != ai.onnxruntime.OnnxJavaType.FLOAT) {
      return null;
    }
    return new OrtFloatTensor(onnx);
  }

  /** Closes every capture output, whether it was read or not. */
  void close() {
    for (OnnxValue value : outputs.values()) {
      OnnxShutdownGuard.quietly(
          () -> {
            value.close();
            return null;
          },
          "closing a captured output");
    }
  }
}
