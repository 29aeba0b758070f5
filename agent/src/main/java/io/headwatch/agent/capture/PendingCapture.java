package io.headwatch.agent.capture;

import io.headwatch.agent.export.ModelTelemetry;

/**
 * A sampled inference waiting for the statistics worker: either a {@link Capture} ready to reduce,
 * or work that produces one on the worker (re-running a model on copied inputs).
 */
public interface PendingCapture {
  /** The model whose budget and telemetry this capture counts against. */
  ModelTelemetry model();

  /** Bytes this capture holds while it waits (for the pipeline's byte bound). */
  long bytes();

  /**
   * On the statistics worker: the capture to reduce, or null when there is nothing to reduce (the
   * reason was already counted).
   *
   * @throws Exception when producing it failed; the pipeline counts it as a capture error
   */
  Capture resolve() throws Exception;

  /**
   * Whether this capture's cost counts against the model's overhead budget: false for one-off work
   * (the re-runs that verify a capture session), which would otherwise hold the rate down long
   * after it is over.
   */
  default boolean measured() {
    return true;
  }

  /**
   * Whether resolving this capture runs a model (a re-run on copied inputs, a spot check): slow to
   * resolve while it holds few bytes. The statistics worker takes captures already in hand first,
   * so that their tensors do not pile up in memory behind model runs.
   */
  default boolean runsModel() {
    return false;
  }

  /** Frees what this capture holds; called once, whether it was reduced or dropped. */
  void release();
}
