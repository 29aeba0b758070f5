package io.headwatch.agent.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtSession;
import io.headwatch.agent.onnx.graph.CapturePlan;
import io.headwatch.agent.util.AgentLog;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The agent's own session of an observed model: the same model, its graph rewritten so that the
 * planned tensors (attention probabilities, per-head outputs, hidden states) are outputs too. It
 * serves sampled calls in place of the application's session once verified ({@link
 * ObservedSession}), or re-runs copied inputs. Close waits for runs in flight.
 */
final class CaptureSession {
  private final OrtSession session;
  private final OrtSession.SessionOptions options;
  private final CapturePlan plan;
  private final int maxPositions;
  private final Set<String> captureOutputs;
  private final Object lifecycle = new Object();
  private int running;
  private boolean closed;

  CaptureSession(
      OrtSession session, OrtSession.SessionOptions options, CapturePlan plan, int maxPositions) {
    this.session = session;
    this.options = options;
    this.plan = plan;
    this.maxPositions = maxPositions;
    Set<String> available = session.getOutputNames();
    List<String> missing = new ArrayList<>();
    this.captureOutputs = new LinkedHashSet<>();
    for (String name : plan.tensorNames()) {
      if (available.contains(name)) {
        captureOutputs.add(name);
      } else {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      AgentLog.warnOnce(
          "capture-missing-" + missing.get(0),
          "capture session lacks outputs " + missing + "; those layers are not observed",
          null);
    }
  }

  CapturePlan plan() {
    return plan;
  }

  /** The model's longest input (rows of its position embeddings), or -1 when unknown. */
  int maxPositions() {
    return maxPositions;
  }

  /** The planned tensors this session outputs. */
  Set<String> captureOutputs() {
    return captureOutputs;
  }

  /**
   * Runs the session for {@code requested} outputs (in that order) followed by every capture
   * output, as the agent's own call; null when closed meanwhile.
   */
  OrtSession.Result run(
      Map<String, ? extends OnnxTensorLike> inputs,
      Set<String> requested,
      OrtSession.RunOptions runOptions)
      throws Exception {
    synchronized (lifecycle) {
      if (closed) {
        return null;
      }
      running++;
    }
    try {
      Set<String> outputs = new LinkedHashSet<>(requested);
      outputs.addAll(captureOutputs);
      return OnnxShutdownGuard.asAgent(
          () ->
              runOptions == null
                  ? session.run(inputs, outputs)
                  : session.run(inputs, outputs, runOptions));
    } finally {
      synchronized (lifecycle) {
        running--;
        lifecycle.notifyAll();
      }
    }
  }

  /** Runs copied inputs (tensors the caller owns) for the capture outputs only. */
  OrtSession.Result runCopy(Map<String, OnnxTensor> inputs) throws Exception {
    return run(inputs, Set.of(), null);
  }

  /** Closes the session once runs in flight have finished. Idempotent. */
  void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      while (running > 0) {
        try {
          lifecycle.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    OnnxShutdownGuard.quietly(
        () -> {
          session.close();
          options.close();
          return null;
        },
        "closing a capture session");
  }
}
