package io.headwatch.agent.instrumentation;

import io.headwatch.agent.export.ModelTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The prediction a thread is running right now, as a framework-level hook (DJL's {@code
 * Predictor.batchPredict}) opened it. Hooks that run inside it — the tokenizer, the ONNX Runtime
 * session DJL's OnnxRuntime engine calls, DJL's attention blocks — contribute to this one record
 * instead of making their own: one prediction is one span, one duration, one set of token counts,
 * and at most one capture of attention.
 *
 * <p>Only the thread that opened a scope touches it until it is closed; what it hands to the
 * statistics worker is copied first. Everything it keeps is bounded ({@link #MAX_SEQUENCES}
 * sequences, {@link #MAX_TOKENS_KEPT} token texts per sequence).
 */
public final class PredictionScope {
  /** Sequences whose tokenizer facts one scope keeps; further ones are counted, not kept. */
  public static final int MAX_SEQUENCES = 1024;

  /** Token texts kept per sequence when token capture is on. */
  public static final int MAX_TOKENS_KEPT = 512;

  /** Characters kept per token text. */
  public static final int MAX_TOKEN_CHARS = 64;

  private static final ThreadLocal<PredictionScope> CURRENT = new ThreadLocal<>();

  private final ModelTelemetry model;
  private final Span span;
  private final boolean sampled;
  private final long startNanos;
  private final long startEpochNanos;
  private final int batchSize;
  private final int tokenTextSequences;

  private int sequences;
  private int[] tokenizerTokens = new int[4];
  private boolean[] truncated = new boolean[4];
  private int[] unknown = new int[4];
  private List<List<String>> tokenTexts;
  private int[] engineTokens;
  private boolean attentionClaimed;
  private DeferredCapture deferred;
  private long overheadNanos;
  private Object engineState;

  /**
   * A capture an engine hook prepared inside this prediction, handed to the statistics worker when
   * the prediction ends, with what only the end knows (the classifier's output per sequence).
   */
  public interface DeferredCapture {
    /**
     * Queues the capture; {@code extras} (per sequence, may be null) go into its snapshots.
     *
     * @return null when queued, else why it was dropped
     */
    String submit(Attributes[] extras);
  }

  private PredictionScope(
      ModelTelemetry model,
      Span span,
      boolean sampled,
      long startNanos,
      long startEpochNanos,
      int batchSize,
      int tokenTextSequences) {
    this.model = model;
    this.span = span;
    this.sampled = sampled;
    this.startNanos = startNanos;
    this.startEpochNanos = startEpochNanos;
    this.batchSize = batchSize;
    this.tokenTextSequences = tokenTextSequences;
  }

  /** The scope open on this thread, or null. */
  public static PredictionScope current() {
    return CURRENT.get();
  }

  /**
   * Opens a scope on this thread.
   *
   * @param tokenTextSequences how many sequences' token texts to keep for snapshots (0 = token
   *     capture off)
   */
  public static PredictionScope open(
      ModelTelemetry model,
      Span span,
      boolean sampled,
      long startNanos,
      long startEpochNanos,
      int batchSize,
      int tokenTextSequences) {
    PredictionScope scope =
        new PredictionScope(
            model, span, sampled, startNanos, startEpochNanos, batchSize, tokenTextSequences);
    CURRENT.set(scope);
    return scope;
  }

  /** Closes this thread's scope. */
  public void close() {
    if (CURRENT.get() == this) {
      CURRENT.remove();
    }
  }

  public ModelTelemetry model() {
    return model;
  }

  public Span span() {
    return span;
  }

  public SpanContext spanContext() {
    return span.getSpanContext();
  }

  public boolean sampled() {
    return sampled;
  }

  public long startNanos() {
    return startNanos;
  }

  public long startEpochNanos() {
    return startEpochNanos;
  }

  public int batchSize() {
    return batchSize;
  }

  /** How many sequences' token texts this scope keeps (0 = token capture off). */
  public int tokenTextSequences() {
    return tokenTextSequences;
  }

  /**
   * State an engine keeps for this prediction (DJL's forward-pass bookkeeping), created on first
   * use; one engine per scope.
   */
  @SuppressWarnings("unchecked")
  public <T> T engineState(Class<T> type, java.util.function.Supplier<T> create) {
    if (!type.isInstance(engineState)) {
      engineState = create.get();
    }
    return (T) engineState;
  }

  /** The engine state if one of this type exists, else null. */
  public <T> T engineStateIfPresent(Class<T> type) {
    return type.isInstance(engineState) ? type.cast(engineState) : null;
  }

  /** Adds what the tokenizer produced for one sequence; {@code tokens} may be null. */
  public void addTokenizedSequence(
      int validTokens, boolean wasTruncated, int unknownTokens, String[] tokens) {
    if (sequences >= MAX_SEQUENCES) {
      return;
    }
    if (sequences == tokenizerTokens.length) {
      int n = Math.min(MAX_SEQUENCES, sequences * 2);
      tokenizerTokens = Arrays.copyOf(tokenizerTokens, n);
      truncated = Arrays.copyOf(truncated, n);
      unknown = Arrays.copyOf(unknown, n);
    }
    tokenizerTokens[sequences] = validTokens;
    truncated[sequences] = wasTruncated;
    unknown[sequences] = unknownTokens;
    if (tokens != null && sequences < tokenTextSequences) {
      if (tokenTexts == null) {
        tokenTexts = new ArrayList<>();
      }
      int n = Math.min(tokens.length, MAX_TOKENS_KEPT);
      List<String> kept = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String t = tokens[i] == null ? "" : tokens[i];
        kept.add(t.length() > MAX_TOKEN_CHARS ? t.substring(0, MAX_TOKEN_CHARS) : t);
      }
      tokenTexts.add(Collections.unmodifiableList(kept));
    }
    sequences++;
  }

  /** Number of sequences the tokenizer reported (at most {@link #MAX_SEQUENCES}). */
  public int tokenizedSequences() {
    return sequences;
  }

  public boolean truncated(int sequence) {
    return truncated[sequence];
  }

  public int unknownTokens(int sequence) {
    return unknown[sequence];
  }

  /** Token texts per sequence (only with token capture on), or null. */
  public List<List<String>> tokenTexts() {
    return tokenTexts;
  }

  /** Valid tokens per sequence an engine read from its inputs (the first engine call counts). */
  public void engineTokens(int[] tokens) {
    if (engineTokens == null) {
      engineTokens = tokens;
    }
  }

  /** Valid tokens per sequence: the tokenizer's counts, else the engine's, else none. */
  public int[] tokensPerSequence() {
    if (sequences > 0) {
      return Arrays.copyOf(tokenizerTokens, sequences);
    }
    return engineTokens != null ? engineTokens : new int[0];
  }

  /**
   * Claims the one attention capture this prediction gets: true for the first caller (an engine
   * call or a block hook), false after. One prediction that calls its engine several times is
   * captured once.
   */
  public boolean claimAttention() {
    if (attentionClaimed) {
      return false;
    }
    attentionClaimed = true;
    return true;
  }

  public boolean attentionClaimed() {
    return attentionClaimed;
  }

  /** Adds time a nested hook spent on this thread for this prediction. */
  public void addOverhead(long nanos) {
    overheadNanos += nanos;
  }

  /** Time nested hooks spent on this thread for this prediction. */
  public long overheadNanos() {
    return overheadNanos;
  }

  /** Keeps a capture to queue when the prediction ends (one: the holder of the attention claim). */
  public void defer(DeferredCapture capture) {
    this.deferred = capture;
  }

  /** The deferred capture, or null; the owner of the scope submits it when the prediction ends. */
  public DeferredCapture deferred() {
    return deferred;
  }
}
