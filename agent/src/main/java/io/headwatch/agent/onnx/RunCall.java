package io.headwatch.agent.onnx;

/**
 * One observed {@code OrtSession.run}, from its enter hook to its exit hook: when it started and
 * whether it is sampled. {@link ServedCall} is the kind whose original method was skipped.
 */
public class RunCall {
  final ObservedSession session;
  final long startNanos;
  final long startEpochNanos;
  final boolean sampled;

  RunCall(ObservedSession session, long startNanos, long startEpochNanos, boolean sampled) {
    this.session = session;
    this.startNanos = startNanos;
    this.startEpochNanos = startEpochNanos;
    this.sampled = sampled;
  }
}
