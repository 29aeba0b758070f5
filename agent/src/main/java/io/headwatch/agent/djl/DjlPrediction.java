package io.headwatch.agent.djl;

import io.headwatch.agent.inference.InferenceScope;
import java.util.ArrayList;
import java.util.List;

/**
 * The DJL prediction running on this thread: its {@link InferenceScope} (shared with the ONNX
 * Runtime hook and the tokenizer) plus what only DJL's hooks need — where the forward pass is,
 * which attention block runs, and the attention copied so far.
 */
final class DjlPrediction {
  final InferenceScope scope;
  final long maxCaptureBytes;

  /** Forward passes ({@code predictInternal}) started in this prediction. */
  int forwardCalls;

  /** Nesting of {@code predictInternal} right now. */
  int forwardDepth;

  /** Whether the current forward pass is the one whose attention is captured. */
  boolean captureThisForward;

  /** Whether this prediction holds the scope's one attention capture. */
  boolean claimed;

  /** Nesting of attention blocks right now. */
  int blockDepth;

  /** Layer of the attention block running now; blocks are numbered in the order they run. */
  int layer = -1;

  int nextLayer;
  boolean softmaxTaken;
  long capturedBytes;
  final List<CapturedAttention> attention = new ArrayList<>();

  DjlPrediction(InferenceScope scope, long maxCaptureBytes) {
    this.scope = scope;
    this.maxCaptureBytes = maxCaptureBytes;
  }
}
