package io.headwatch.agent.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import io.headwatch.agent.onnx.graph.CapturePlan;
import io.headwatch.agent.util.AgentLog;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The agent's own session of an observed model, whose graph also outputs the planned tensors. Runs
 * and close are serialised, so that the session is never closed under a run.
 */
final class CaptureSession {
  private final OrtSession session;
  private final CapturePlan plan;
  private final Set<String> outputs;
  private final int snapshotMaxSequences;
  private boolean closed;

  CaptureSession(OrtSession session, CapturePlan plan, int snapshotMaxSequences) {
    this.session = session;
    this.plan = plan;
    this.snapshotMaxSequences = snapshotMaxSequences;
    Set<String> available = session.getOutputNames();
    List<String> missing = new ArrayList<>();
    this.outputs = new LinkedHashSet<>();
    for (String name : plan.tensorNames()) {
      if (available.contains(name)) {
        outputs.add(name);
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

  int snapshotMaxSequences() {
    return snapshotMaxSequences;
  }

  /** Runs the capture session for the planned outputs; null when closed meanwhile. */
  synchronized OrtSession.Result run(Map<String, OnnxTensor> inputs) throws Exception {
    if (closed) {
      return null;
    }
    return OnnxRuntimeHooks.asAgent(() -> session.run(inputs, outputs));
  }

  synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      OnnxRuntimeHooks.asAgent(
          () -> {
            session.close();
            return null;
          });
    } catch (Exception e) {
      AgentLog.warnOnce("capture-close", "closing a capture session failed", e);
    }
  }
}
