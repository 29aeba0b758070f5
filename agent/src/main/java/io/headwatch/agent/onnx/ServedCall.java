package io.headwatch.agent.onnx;

import ai.onnxruntime.OrtSession;

/**
 * A sampled {@code run} the agent served from the capture session instead of the application's
 * session: the advice skips the original method when its enter hook returns one of these, and
 * returns {@link #result} to the application. It carries what the exit hook needs to record the
 * inference and queue its capture.
 */
public final class ServedCall extends RunCall {
  /** What the application receives: exactly its requested outputs. */
  public final OrtSession.Result result;

  final ServedCapture capture;

  ServedCall(
      ObservedSession session,
      long startNanos,
      long startEpochNanos,
      OrtSession.Result result,
      ServedCapture capture) {
    super(session, startNanos, startEpochNanos, true);
    this.result = result;
    this.capture = capture;
  }
}
