package io.headwatch.agent.onnx.graph;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds, in an exported transformer graph, the attention probabilities and the hidden state that
 * leaves each layer.
 *
 * <p>Attention probabilities: the output of a {@code Softmax} over the last axis whose result
 * (possibly through Dropout, Cast or Identity) feeds a {@code MatMul} — the {@code softmax(QK^T)V}
 * pattern of scaled dot-product attention. The layer number comes from the node name ({@code
 * layer.N}, {@code layers.N}, {@code h.N}, {@code block.N}, {@code blocks.N}) as PyTorch and
 * Hugging Face exports write it, or else from the order of appearance.
 *
 * <p>Hidden state of layer N: among the tensors produced by layer N's nodes and consumed outside
 * layer N (or a graph output), the one produced last in topological order — the residual stream
 * handed to the next layer.
 *
 * <p>Quantized graphs (ONNX Runtime's dynamic quantization: {@code DynamicQuantizeLinear} and
 * {@code MatMulInteger}; static QDQ graphs: {@code QuantizeLinear}/{@code DequantizeLinear}) put
 * quantization nodes, named after the tensor they quantize, between layers. Their outputs are
 * integers, scales and zero points, or a dequantized copy — never the hidden state itself — so they
 * are not candidates; a tensor whose quantized form leaves the layer leaves it too. Between a
 * softmax and the product with the values, quantization nodes are looked through, and a {@code
 * MatMulInteger}'s per-head output is read where it is scaled back to floats.
 *
 * <p>Fused operators (com.microsoft {@code Attention}, {@code MultiHeadAttention}, ...) compute
 * their probabilities internally; they are counted so that the agent can say why it sees no
 * attention, but nothing can be captured from them.
 */
public final class AttentionGraphAnalyzer {
  private static final Pattern LAYER =
      Pattern.compile("(?:^|[/._])(?:layer|layers|h|block|blocks)[._](\\d+)(?:[/._]|$)");
  private static final Set<String> PASS_THROUGH =
      Set.of(
          "Dropout",
          "Cast",
          "Identity",
          "QuantizeLinear",
          "DequantizeLinear",
          "DynamicQuantizeLinear");
  // Quantization nodes: their outputs are integers, scales, zero points or a dequantized copy.
  private static final Set<String> QUANTIZATION =
      Set.of("QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear");
  // Nodes whose outputs are integer tensors: never a hidden state of floats.
  private static final Set<String> INTEGER_OUTPUT =
      Set.of("MatMulInteger", "ConvInteger", "QLinearMatMul", "QLinearConv", "QLinearAdd");
  private static final Set<String> ATTENTION_PRODUCT = Set.of("MatMul", "MatMulInteger");
  private static final Set<String> FUSED_ATTENTION =
      Set.of(
          "Attention",
          "MultiHeadAttention",
          "GroupQueryAttention",
          "PackedAttention",
          "PackedMultiHeadAttention",
          "DecoderAttention",
          "DecoderMaskedMultiHeadAttention",
          "DecoderMaskedSelfAttention",
          "SparseAttention");

  private AttentionGraphAnalyzer() {}

  public static CapturePlan analyze(OnnxModel model) {
    List<OnnxNode> nodes = model.nodes();
    Map<String, List<OnnxNode>> consumers = new HashMap<>();
    for (OnnxNode node : nodes) {
      for (String input : node.inputs()) {
        consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
      }
    }
    int fused = 0;
    List<OnnxNode> softmaxes = new ArrayList<>();
    for (OnnxNode node : nodes) {
      if (FUSED_ATTENTION.contains(node.opType())) {
        fused++;
      } else if (isAttentionSoftmax(node, consumers)) {
        softmaxes.add(node);
      }
    }
    List<CapturePlan.Site> attention = attentionSites(softmaxes);
    return new CapturePlan(
        attention,
        hiddenStateSites(model, consumers),
        headOutputSites(attention, consumers),
        fused);
  }

  private static boolean isAttentionSoftmax(OnnxNode node, Map<String, List<OnnxNode>> consumers) {
    if (!node.opType().equals("Softmax") || !isDefaultDomain(node) || node.outputs().size() != 1) {
      return false;
    }
    Long axis = node.intAttribute("axis");
    // Opset 13+ defaults to -1; older opsets default to 1 with 2-D coercion, which is not a
    // per-row softmax of a 4-D tensor. The run-time rank check catches anything else.
    if (axis != null && axis != -1 && axis != 3) {
      return false;
    }
    return feedsMatMul(node.outputs().get(0), consumers, 0);
  }

  private static boolean feedsMatMul(
      String tensor, Map<String, List<OnnxNode>> consumers, int depth) {
    return attentionMatMul(tensor, consumers, depth) != null;
  }

  /**
   * The MatMul whose first input is {@code tensor} (directly or through Dropout, Cast, Identity):
   * in scaled dot-product attention, softmax(QK^T) times V; its output is each head's attention
   * output before the heads are merged. Null when there is none.
   */
  private static OnnxNode attentionMatMul(
      String tensor, Map<String, List<OnnxNode>> consumers, int depth) {
    for (OnnxNode consumer : consumers.getOrDefault(tensor, List.of())) {
      if (ATTENTION_PRODUCT.contains(consumer.opType()) && consumer.inputs().indexOf(tensor) == 0) {
        return consumer;
      }
      if (depth < 3 && PASS_THROUGH.contains(consumer.opType()) && !consumer.outputs().isEmpty()) {
        OnnxNode found = attentionMatMul(consumer.outputs().get(0), consumers, depth + 1);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /** Per-head attention outputs: the output of the MatMul each attention softmax feeds. */
  private static List<CapturePlan.Site> headOutputSites(
      List<CapturePlan.Site> attention, Map<String, List<OnnxNode>> consumers) {
    List<CapturePlan.Site> sites = new ArrayList<>();
    for (CapturePlan.Site site : attention) {
      OnnxNode matMul = attentionMatMul(site.tensorName(), consumers, 0);
      if (matMul == null || matMul.outputs().size() != 1) {
        continue;
      }
      String output = matMul.outputs().get(0);
      if (matMul.opType().equals("MatMulInteger")) {
        output = rescaled(output, consumers);
      }
      if (output != null) {
        sites.add(new CapturePlan.Site(site.layer(), output));
      }
    }
    return sites;
  }

  /**
   * Where an integer product is scaled back to floats: {@code Cast} then {@code Mul} by the scales
   * (ONNX Runtime's dynamic quantization). Null when the graph does something else.
   */
  private static String rescaled(String integerProduct, Map<String, List<OnnxNode>> consumers) {
    List<OnnxNode> casts = consumers.getOrDefault(integerProduct, List.of());
    if (casts.size() != 1 || !casts.get(0).opType().equals("Cast")) {
      return null;
    }
    List<OnnxNode> muls = consumers.getOrDefault(casts.get(0).outputs().get(0), List.of());
    if (muls.size() != 1 || !muls.get(0).opType().equals("Mul")) {
      return null;
    }
    return muls.get(0).outputs().get(0);
  }

  private static boolean isDefaultDomain(OnnxNode node) {
    return node.domain().isEmpty() || node.domain().equals("ai.onnx");
  }

  private static List<CapturePlan.Site> attentionSites(List<OnnxNode> softmaxes) {
    List<CapturePlan.Site> sites = new ArrayList<>();
    boolean allNamed = softmaxes.stream().allMatch(n -> layerOf(n.name()) >= 0);
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < softmaxes.size(); i++) {
      OnnxNode node = softmaxes.get(i);
      int layer = allNamed ? layerOf(node.name()) : i;
      if (!seen.add(layer)) {
        // Two attention softmaxes in one named layer (e.g. self- and cross-attention): fall back
        // to order of appearance so that no tensor is silently dropped.
        return ordinalSites(softmaxes);
      }
      sites.add(new CapturePlan.Site(layer, node.outputs().get(0)));
    }
    sites.sort(Comparator.comparingInt(CapturePlan.Site::layer));
    return sites;
  }

  private static List<CapturePlan.Site> ordinalSites(List<OnnxNode> softmaxes) {
    List<CapturePlan.Site> sites = new ArrayList<>();
    for (int i = 0; i < softmaxes.size(); i++) {
      sites.add(new CapturePlan.Site(i, softmaxes.get(i).outputs().get(0)));
    }
    return sites;
  }

  private static List<CapturePlan.Site> hiddenStateSites(
      OnnxModel model, Map<String, List<OnnxNode>> consumers) {
    Set<String> graphOutputs = new HashSet<>(model.graphOutputs());
    // Layer -> last tensor (in topological order) that leaves the layer.
    TreeMap<Integer, String> leaving = new TreeMap<>();
    for (OnnxNode node : model.nodes()) {
      int layer = layerOf(node.name());
      if (layer < 0
          || QUANTIZATION.contains(node.opType())
          || INTEGER_OUTPUT.contains(node.opType())) {
        continue;
      }
      for (String output : node.outputs()) {
        if (graphOutputs.contains(output) || consumedOutsideLayer(output, layer, consumers)) {
          leaving.put(layer, output);
        }
      }
    }
    List<CapturePlan.Site> sites = new ArrayList<>();
    leaving.forEach((layer, tensor) -> sites.add(new CapturePlan.Site(layer, tensor)));
    return sites;
  }

  private static boolean consumedOutsideLayer(
      String tensor, int layer, Map<String, List<OnnxNode>> consumers) {
    return consumedOutsideLayer(tensor, layer, consumers, 0);
  }

  /** Also true when a quantized form of {@code tensor} leaves the layer. */
  private static boolean consumedOutsideLayer(
      String tensor, int layer, Map<String, List<OnnxNode>> consumers, int depth) {
    for (OnnxNode consumer : consumers.getOrDefault(tensor, List.of())) {
      if (QUANTIZATION.contains(consumer.opType()) && depth < 2) {
        for (String quantized : consumer.outputs()) {
          if (consumedOutsideLayer(quantized, layer, consumers, depth + 1)) {
            return true;
          }
        }
      } else if (layerOf(consumer.name()) != layer) {
        return true;
      }
    }
    return false;
  }

  /** The layer number written in a node name, or -1. */
  static int layerOf(String nodeName) {
    Matcher m = LAYER.matcher(nodeName);
    if (!m.find()) {
      return -1;
    }
    try {
      return Integer.parseInt(m.group(1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
