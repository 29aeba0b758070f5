package io.headwatch.agent.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.headwatch.agent.capture.FloatTensor;
import io.headwatch.agent.capture.LayerTensor;
import io.headwatch.agent.instrumentation.PredictionScope;
import io.headwatch.agent.util.AgentLog;
import java.util.ArrayList;
import java.util.List;

/**
 * A DJL prediction's forward pass as the agent follows it: which pass is the captured one (the
 * first), which attention block runs, and the attention probabilities copied so far, within the
 * prediction's byte budget. Kept as the engine state of the prediction's {@link PredictionScope}.
 */
final class DjlForwardCapture {
  private final PredictionScope scope;
  private final long maxBytes;
  private int forwardCalls;
  private int forwardDepth;
  private boolean captureThisForward;
  private boolean claimed;
  private int blockDepth;
  private int layer = -1;
  private int nextLayer;
  private boolean softmaxTaken;
  private long capturedBytes;
  private final List<LayerTensor> attention = new ArrayList<>();

  DjlForwardCapture(PredictionScope scope, long maxBytes) {
    this.scope = scope;
    this.maxBytes = maxBytes;
  }

  /** The attention copied from this prediction, by layer. */
  List<LayerTensor> attention() {
    return attention;
  }

  void forwardEnter() {
    forwardDepth++;
    if (forwardDepth == 1) {
      forwardCalls++;
      // Only the prediction's first forward pass is captured: one capture per record.
      captureThisForward = forwardCalls == 1 && scope.sampled() && !scope.attentionClaimed();
      nextLayer = 0;
    }
  }

  void forwardExit(Object outputs) {
    forwardDepth--;
    if (forwardDepth == 0
        && captureThisForward
        && attention.isEmpty()
        && !scope.attentionClaimed()
        && outputs instanceof NDList list) {
      scanOutputs(list);
    }
    if (forwardDepth == 0) {
      captureThisForward = false;
    }
  }

  boolean inForward() {
    return forwardDepth > 0;
  }

  void blockEnter() {
    blockDepth++;
    if (blockDepth == 1) {
      layer = nextLayer++;
      softmaxTaken = false;
    }
  }

  void blockExit() {
    blockDepth--;
  }

  /**
   * Attention tensors among a model's outputs (TorchScript models exported with attentions):
   * float32 {@code [batch, heads, q, q]} arrays whose rows are probabilities, numbered as layers in
   * the order they appear.
   */
  private void scanOutputs(NDList outputs) {
    int next = 0;
    for (NDArray array : outputs) {
      if (!isSquareAttentionShape(array)) {
        continue;
      }
      FloatTensor copied = copy(array);
      if (copied == null) {
        continue;
      }
      if (!CapturedAttention.looksLikeProbabilities(
          copied.values(), (int) array.getShape().get(3))) {
        capturedBytes -= copied.bytes();
        continue;
      }
      if (!claim()) {
        return;
      }
      attention.add(new LayerTensor(next++, copied));
    }
  }

  /** The softmax of a scaled dot-product attention block: the attention probabilities. */
  void softmax(Object probabilities) {
    if (blockDepth == 0 || !captureThisForward || softmaxTaken) {
      return;
    }
    softmaxTaken = true; // the block's first softmax is its attention
    if (!(probabilities instanceof NDArray array)) {
      return;
    }
    if (!isSquareAttentionShape(array)) {
      AgentLog.warnOnce(
          "djl-attention-shape",
          "a DJL attention block's probabilities are not [batch, heads, query, key] with query ="
              + " key (cross-attention?); skipped",
          null);
      return;
    }
    if (!claim()) {
      captureThisForward = false;
      return;
    }
    FloatTensor copied = copy(array);
    if (copied != null) {
      attention.add(new LayerTensor(layer, copied));
    }
  }

  private boolean claim() {
    if (!claimed) {
      if (!scope.claimAttention()) {
        return false;
      }
      claimed = true;
    }
    return true;
  }

  private static boolean isSquareAttentionShape(NDArray array) {
    Shape shape = array.getShape();
    return shape.dimension() == 4
        && shape.get(2) == shape.get(3)
        && shape.get(2) > 0
        && shape.get(1) > 0
        && shape.get(0) > 0
        && array.getDataType() == DataType.FLOAT32;
  }

  /** Copies an attention tensor within the prediction's byte budget, or returns null. */
  private FloatTensor copy(NDArray array) {
    Shape shape = array.getShape();
    long size = shape.size();
    long bytes = 4L * size;
    if (size > Integer.MAX_VALUE || capturedBytes + bytes > maxBytes) {
      AgentLog.warnOnce(
          "djl-capture-budget",
          "attention of a DJL prediction exceeds "
              + maxBytes
              + " bytes (headwatch.djl.max_capture_bytes); further layers are not captured",
          null);
      return null;
    }
    float[] values = array.toFloatArray();
    capturedBytes += bytes;
    return FloatTensor.of(shape.getShape(), values);
  }
}
