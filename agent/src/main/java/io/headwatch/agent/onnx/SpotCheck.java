package io.headwatch.agent.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import io.headwatch.agent.capture.Capture;
import io.headwatch.agent.capture.PendingCapture;
import io.headwatch.agent.export.ModelTelemetry;
import java.util.Map;

/**
 * While the capture session serves a model, now and then one served call's inputs are re-run on the
 * application's own session, on the statistics worker, and its outputs compared bit for bit with
 * what the application was served. A difference stops serving for good ({@link
 * ObservedSession#spotChecked}). Produces no capture of its own.
 */
final class SpotCheck implements PendingCapture {
  private final ObservedSession session;
  private final CopiedInputs inputs;
  private final OutputBits served;

  SpotCheck(ObservedSession session, CopiedInputs inputs, OutputBits served) {
    this.session = session;
    this.inputs = inputs;
    this.served = served;
  }

  @Override
  public ModelTelemetry model() {
    return session.model();
  }

  @Override
  public boolean runsModel() {
    return true;
  }

  @Override
  public long bytes() {
    return inputs.bytes() + served.bytes();
  }

  @Override
  public Capture resolve() throws Exception {
    Map<String, OnnxTensor> tensors =
        OnnxShutdownGuard.asAgent(() -> inputs.toTensors(session.environment()));
    try {
      boolean same =
          OnnxShutdownGuard.asAgent(
              () -> {
                try (OrtSession.Result original =
                    session.applicationSession().run(tensors, served.names())) {
                  return served.matches(original);
                }
              });
      session.spotChecked(same);
      return null;
    } finally {
      OnnxShutdownGuard.quietly(
          () -> {
            tensors.values().forEach(OnnxTensor::close);
            return null;
          },
          "closing a spot check's tensors");
    }
  }

  @Override
  public boolean measured() {
    return false; // rare, and produces no capture: not the cost of capturing
  }

  @Override
  public void release() {
    session.taskDone();
  }
}
