package io.headwatch.e2e.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the parts of each encoder layer are in a BERT-style ONNX export (node names {@code
 * /encoder/layer.N/...} as PyTorch writes them): the attention probabilities, each head's output
 * before the output projection, the hidden state that leaves the layer, and the query, value and
 * feed-forward weights that faults are written into.
 */
public final class TransformerLayout {
  private static final Pattern LAYER = Pattern.compile("/layer\\.(\\d+)/");

  /** One encoder layer's tensors and weights, by name. */
  public record Layer(
      int index,
      String attention,
      String headOutput,
      String hiddenState,
      String queryWeight,
      String queryBias,
      String valueWeight,
      String valueBias,
      String ffnWeight) {}

  private final List<Layer> layers;

  private TransformerLayout(List<Layer> layers) {
    this.layers = List.copyOf(layers);
  }

  public List<Layer> layers() {
    return layers;
  }

  public Layer layer(int index) {
    return layers.get(index);
  }

  /** The tensors to read at run time: attention, head outputs and hidden states of every layer. */
  public List<String> probeOutputs() {
    List<String> names = new ArrayList<>();
    for (Layer l : layers) {
      names.add(l.attention());
      names.add(l.headOutput());
      names.add(l.hiddenState());
    }
    return names;
  }

  public static TransformerLayout of(OnnxModelEditor model) {
    List<OnnxModelEditor.Node> nodes = model.nodes();
    Map<String, List<OnnxModelEditor.Node>> consumers = new HashMap<>();
    for (OnnxModelEditor.Node n : nodes) {
      for (String in : n.inputs()) {
        consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
      }
    }
    Set<String> graphOutputs = new HashSet<>(model.graphOutputs());
    TreeMap<Integer, Map<String, String>> parts = new TreeMap<>();
    for (OnnxModelEditor.Node n : nodes) {
      int layer = layerOf(n.name());
      if (layer < 0) {
        continue;
      }
      Map<String, String> p = parts.computeIfAbsent(layer, k -> new HashMap<>());
      String out = n.outputs().isEmpty() ? null : n.outputs().get(0);
      if (n.opType().equals("Softmax")) {
        for (OnnxModelEditor.Node c : consumers.getOrDefault(out, List.of())) {
          if (c.opType().equals("MatMul") && c.inputs().indexOf(out) == 0) {
            p.put("attention", out);
            p.put("headOutput", c.outputs().get(0));
          }
        }
      }
      if (n.opType().equals("MatMul") && n.name().endsWith("/attention/self/query/MatMul")) {
        p.put("queryWeight", n.inputs().get(1));
        p.put("queryBias", biasAfter(out, consumers));
      }
      if (n.opType().equals("MatMul") && n.name().endsWith("/attention/self/value/MatMul")) {
        p.put("valueWeight", n.inputs().get(1));
        p.put("valueBias", biasAfter(out, consumers));
      }
      if (n.opType().equals("MatMul") && n.name().endsWith("/intermediate/dense/MatMul")) {
        p.put("ffnWeight", n.inputs().get(1));
      }
      // The hidden state leaving the layer: the last tensor (in node order) that a node of another
      // layer, or the graph's output list, reads.
      for (String o : n.outputs()) {
        boolean leaves = graphOutputs.contains(o);
        for (OnnxModelEditor.Node c : consumers.getOrDefault(o, List.of())) {
          leaves |= layerOf(c.name()) != layer;
        }
        if (leaves) {
          p.put("hiddenState", o);
        }
      }
    }
    List<Layer> layers = new ArrayList<>();
    for (Map.Entry<Integer, Map<String, String>> e : parts.entrySet()) {
      Map<String, String> p = e.getValue();
      for (String key :
          List.of(
              "attention",
              "headOutput",
              "hiddenState",
              "queryWeight",
              "queryBias",
              "valueWeight",
              "valueBias",
              "ffnWeight")) {
        if (p.get(key) == null) {
          throw new IllegalArgumentException(
              "layer " + e.getKey() + ": no " + key + " found (not a BERT-style export?)");
        }
      }
      if (e.getKey() != layers.size()) {
        throw new IllegalArgumentException("layers are not numbered 0.." + (parts.size() - 1));
      }
      layers.add(
          new Layer(
              e.getKey(),
              p.get("attention"),
              p.get("headOutput"),
              p.get("hiddenState"),
              p.get("queryWeight"),
              p.get("queryBias"),
              p.get("valueWeight"),
              p.get("valueBias"),
              p.get("ffnWeight")));
    }
    return new TransformerLayout(layers);
  }

  /** The initializer added to a projection's MatMul output by the Add node that follows it. */
  private static String biasAfter(
      String matmulOut, Map<String, List<OnnxModelEditor.Node>> consumers) {
    for (OnnxModelEditor.Node c : consumers.getOrDefault(matmulOut, List.of())) {
      if (c.opType().equals("Add")) {
        for (String in : c.inputs()) {
          if (!in.equals(matmulOut)) {
            return in;
          }
        }
      }
    }
    return null;
  }

  static int layerOf(String nodeName) {
    Matcher m = LAYER.matcher(nodeName);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }
}
