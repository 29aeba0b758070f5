package io.headwatch.agent.onnx.graph;

import java.util.ArrayList;
import java.util.List;

/**
 * What the agent will read out of a model: the attention-probability tensors and the hidden state
 * leaving each layer, by tensor name, ordered by layer.
 */
public final class CapturePlan {
  /** One tensor to capture, with the layer it belongs to (0-based). */
  public static final class Site {
    private final int layer;
    private final String tensorName;

    Site(int layer, String tensorName) {
      this.layer = layer;
      this.tensorName = tensorName;
    }

    public int layer() {
      return layer;
    }

    public String tensorName() {
      return tensorName;
    }

    @Override
    public String toString() {
      return "layer " + layer + ": " + tensorName;
    }
  }

  private final List<Site> attention;
  private final List<Site> hiddenStates;
  private final List<Site> headOutputs;
  private final int fusedAttentionNodes;

  CapturePlan(
      List<Site> attention,
      List<Site> hiddenStates,
      List<Site> headOutputs,
      int fusedAttentionNodes) {
    this.attention = List.copyOf(attention);
    this.hiddenStates = List.copyOf(hiddenStates);
    this.headOutputs = List.copyOf(headOutputs);
    this.fusedAttentionNodes = fusedAttentionNodes;
  }

  /** Attention probabilities ([batch, heads, query, key] at run time), one per layer. */
  public List<Site> attention() {
    return attention;
  }

  /** Hidden states ([batch, sequence, hidden] at run time) leaving each layer. */
  public List<Site> hiddenStates() {
    return hiddenStates;
  }

  /**
   * Per-head attention outputs ([batch, heads, query, head_dim] at run time: softmax times V,
   * before the heads are merged), one per layer where the graph has them.
   */
  public List<Site> headOutputs() {
    return headOutputs;
  }

  /** Fused attention operators found (their probabilities are internal and cannot be read). */
  public int fusedAttentionNodes() {
    return fusedAttentionNodes;
  }

  public boolean isEmpty() {
    return attention.isEmpty() && hiddenStates.isEmpty();
  }

  /** All tensor names to add as graph outputs, without duplicates, attention first. */
  public List<String> tensorNames() {
    List<String> names = new ArrayList<>();
    for (Site s : attention) {
      names.add(s.tensorName);
    }
    for (Site s : hiddenStates) {
      if (!names.contains(s.tensorName)) {
        names.add(s.tensorName);
      }
    }
    for (Site s : headOutputs) {
      if (!names.contains(s.tensorName)) {
        names.add(s.tensorName);
      }
    }
    return names;
  }
}
