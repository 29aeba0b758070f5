package io.headwatch.agent.capture;

import io.headwatch.agent.export.ModelTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one sampled inference captured, in a form no engine owns: the tensors of each layer, which
 * positions of each sequence are valid, and the facts that go into its snapshots. Engines (ONNX
 * Runtime, DJL) only build this; {@code pipeline.CapturePipeline} reduces it to statistics, records
 * them and emits the snapshots, the same way for every engine.
 *
 * <p>Built with {@link #builder}; immutable once built, except that its tensors may copy their
 * values out of native memory when first read (on the statistics worker).
 */
public final class Capture implements PendingCapture {
  private final ModelTelemetry model;
  private final SpanContext span;
  private final int[] tokens;
  private final long[] mask;
  private final List<LayerTensor> attention;
  private final List<LayerTensor> hiddenStates;
  private final List<LayerTensor> headOutputs;
  private final List<List<String>> tokenTexts;
  private final Attributes[] extras;
  private final Runnable release;

  private Capture(Builder b) {
    this.model = b.model;
    this.span = b.span;
    this.tokens = b.tokens;
    this.mask = b.mask;
    this.attention = List.copyOf(b.attention);
    this.hiddenStates = List.copyOf(b.hiddenStates);
    this.headOutputs = List.copyOf(b.headOutputs);
    this.tokenTexts = b.tokenTexts;
    this.extras = b.extras;
    this.release = b.release;
  }

  /** A capture of an inference of {@code model}, linked to its span. */
  public static Builder builder(ModelTelemetry model, SpanContext span) {
    return new Builder(model, span);
  }

  @Override
  public ModelTelemetry model() {
    return model;
  }

  public SpanContext span() {
    return span;
  }

  /** Valid tokens per sequence; empty when unknown. */
  public int[] tokens() {
    return tokens;
  }

  public List<LayerTensor> attention() {
    return attention;
  }

  public List<LayerTensor> hiddenStates() {
    return hiddenStates;
  }

  /** Per-head attention outputs (softmax · V, before the output projection): the value path. */
  public List<LayerTensor> headOutputs() {
    return headOutputs;
  }

  /** Token texts per sequence (token capture on), or null. */
  public List<List<String>> tokenTexts() {
    return tokenTexts;
  }

  /** Further snapshot attributes per sequence (classifier output, tokenizer facts), or null. */
  public Attributes[] extras() {
    return extras;
  }

  /**
   * Valid positions of sequence {@code b} of a tensor whose sequence axis has {@code length}
   * positions: the attention mask when the engine gave one of that length; else the sequence's
   * valid token count, padding on the right (as tokenizers and DJL's batchifiers pad); else all.
   */
  public boolean[] validPositions(int b, int length) {
    boolean[] valid = new boolean[length];
    if (mask != null && mask.length % length == 0 && (long) (b + 1) * length <= mask.length) {
      for (int i = 0; i < length; i++) {
        valid[i] = mask[b * length + i] != 0;
      }
      return valid;
    }
    int n = b < tokens.length ? tokens[b] : length;
    if (n <= 0 || n > length) {
      n = length;
    }
    Arrays.fill(valid, 0, n, true);
    return valid;
  }

  /** The number of layers the capture spans (highest layer + 1). */
  public int layers() {
    int layers = 0;
    for (List<LayerTensor> list : List.of(attention, hiddenStates, headOutputs)) {
      for (LayerTensor t : list) {
        layers = Math.max(layers, t.layer() + 1);
      }
    }
    return layers;
  }

  @Override
  public long bytes() {
    long bytes = 0;
    for (List<LayerTensor> list : List.of(attention, hiddenStates, headOutputs)) {
      for (LayerTensor t : list) {
        bytes += t.tensor().bytes();
      }
    }
    return bytes;
  }

  @Override
  public Capture resolve() {
    return this;
  }

  /** Frees what the engine holds for this capture (native tensors); idempotent. */
  @Override
  public void release() {
    if (release != null) {
      release.run();
    }
  }

  /** Builds a {@link Capture}. */
  public static final class Builder {
    private final ModelTelemetry model;
    private final SpanContext span;
    private int[] tokens = new int[0];
    private long[] mask;
    private final List<LayerTensor> attention = new ArrayList<>();
    private final List<LayerTensor> hiddenStates = new ArrayList<>();
    private final List<LayerTensor> headOutputs = new ArrayList<>();
    private List<List<String>> tokenTexts;
    private Attributes[] extras;
    private Runnable release;

    private Builder(ModelTelemetry model, SpanContext span) {
      this.model = model;
      this.span = span;
    }

    public Builder tokens(int[] validTokensPerSequence) {
      this.tokens = validTokensPerSequence == null ? new int[0] : validTokensPerSequence;
      return this;
    }

    /** The attention mask, {@code [batch, sequence]} row-major, any non-zero value valid. */
    public Builder mask(long[] mask) {
      this.mask = mask;
      return this;
    }

    public Builder attention(int layer, FloatTensor probabilities) {
      attention.add(new LayerTensor(layer, probabilities));
      return this;
    }

    public Builder hiddenState(int layer, FloatTensor state) {
      hiddenStates.add(new LayerTensor(layer, state));
      return this;
    }

    public Builder headOutput(int layer, FloatTensor perHead) {
      headOutputs.add(new LayerTensor(layer, perHead));
      return this;
    }

    public Builder tokenTexts(List<List<String>> texts) {
      this.tokenTexts = texts;
      return this;
    }

    public Builder extras(Attributes[] perSequence) {
      this.extras = perSequence;
      return this;
    }

    /** What to run once the capture is reduced or dropped (closing native tensors). */
    public Builder onRelease(Runnable release) {
      this.release = release;
      return this;
    }

    public Capture build() {
      return new Capture(this);
    }
  }
}
