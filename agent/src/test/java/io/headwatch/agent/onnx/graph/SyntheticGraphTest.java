package io.headwatch.agent.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.headwatch.agent.onnx.graph.ProtoWriter.Graph;
import io.headwatch.agent.onnx.graph.ProtoWriter.Node;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Attention and layer recognition on small graphs written here. */
class SyntheticGraphTest {

  private static CapturePlan analyze(Graph graph) {
    return AttentionGraphAnalyzer.analyze(OnnxModel.parse(ProtoWriter.model(graph)));
  }

  private static List<String> attentionTensors(CapturePlan plan) {
    List<String> out = new ArrayList<>();
    plan.attention().forEach(s -> out.add(s.layer() + ":" + s.tensorName()));
    return out;
  }

  private static List<String> hiddenTensors(CapturePlan plan) {
    List<String> out = new ArrayList<>();
    plan.hiddenStates().forEach(s -> out.add(s.layer() + ":" + s.tensorName()));
    return out;
  }

  /** scores = MatMul(q, k); p = Softmax(scores); ctx = MatMul(p, v), with the given names. */
  private static Graph attentionBlock(Graph g, String prefix, String in, String out) {
    return g.node(new Node(prefix + "/MatMul", "MatMul").in(in, in).out(prefix + "/scores"))
        .node(
            new Node(prefix + "/Softmax", "Softmax")
                .in(prefix + "/scores")
                .out(prefix + "/probs")
                .intAttribute("axis", -1))
        .node(new Node(prefix + "/MatMul_1", "MatMul").in(prefix + "/probs", in).out(out));
  }

  @Test
  void parsesNodesInputsOutputsAndAttributes() {
    Graph g =
        new Graph("parsed")
            .node(
                new Node("n0", "Softmax")
                    .in("a")
                    .out("b")
                    .intAttribute("axis", -1)
                    .floatAttribute("alpha", 0.5f))
            .node(new Node("n1", "Attention").in("b", "w").out("c").domain("com.microsoft"))
            .input("a", 1, 4)
            .output("c", 1, 4);
    OnnxModel model = OnnxModel.parse(ProtoWriter.model(g));
    assertEquals("parsed", model.graphName());
    assertEquals("headwatch-test", model.producerName());
    assertEquals(List.of("a"), model.graphInputs());
    assertEquals(List.of("c"), model.graphOutputs());
    assertEquals(2, model.nodes().size());
    OnnxNode softmax = model.nodes().get(0);
    assertEquals("n0", softmax.name());
    assertEquals("Softmax", softmax.opType());
    assertEquals("", softmax.domain());
    assertEquals(List.of("a"), softmax.inputs());
    assertEquals(List.of("b"), softmax.outputs());
    assertEquals(-1L, softmax.intAttribute("axis"));
    assertEquals(null, softmax.intAttribute("alpha"), "float attributes are not integers");
    OnnxNode fused = model.nodes().get(1);
    assertEquals("com.microsoft", fused.domain());
    assertEquals(List.of("b", "w"), fused.inputs());
    assertFalse(model.hasExternalData());
  }

  @Test
  void externalInitializerIsReported() {
    Graph inline =
        new Graph("g")
            .node(new Node("r", "Relu").in("x").out("y"))
            .initializer("w", false)
            .input("x", 1)
            .output("y", 1);
    Graph external =
        new Graph("g")
            .node(new Node("r", "Relu").in("x").out("y"))
            .initializer("w", false)
            .initializer("big", true)
            .input("x", 1)
            .output("y", 1);
    assertFalse(OnnxModel.parse(ProtoWriter.model(inline)).hasExternalData());
    assertTrue(OnnxModel.parse(ProtoWriter.model(external)).hasExternalData());
  }

  @Test
  void softmaxFeedingMatMulIsAttention() {
    CapturePlan plan =
        analyze(
            attentionBlock(new Graph("g"), "attn", "x", "y")
                .input("x", 1, 4, 4)
                .output("y", 1, 4, 4));
    assertEquals(List.of("0:attn/probs"), attentionTensors(plan));
    assertEquals(0, plan.fusedAttentionNodes());
  }

  @Test
  void softmaxNotFollowedByMatMulIsNotAttention() {
    // A classifier head: logits -> Softmax -> graph output.
    CapturePlan plan =
        analyze(
            new Graph("g")
                .node(new Node("classifier/Gemm", "Gemm").in("x", "w", "b").out("logits"))
                .node(
                    new Node("classifier/Softmax", "Softmax")
                        .in("logits")
                        .out("probabilities")
                        .intAttribute("axis", -1))
                .input("x", 1, 4)
                .output("probabilities", 1, 2));
    assertTrue(plan.attention().isEmpty(), attentionTensors(plan).toString());
    assertTrue(plan.isEmpty());
    // Softmax followed by Add then MatMul: Add is not a pass-through.
    CapturePlan viaAdd =
        analyze(
            new Graph("g")
                .node(new Node("s", "Softmax").in("x").out("p"))
                .node(new Node("a", "Add").in("p", "p").out("q"))
                .node(new Node("m", "MatMul").in("q", "x").out("y"))
                .input("x", 1, 4, 4)
                .output("y", 1, 4, 4));
    assertTrue(viaAdd.attention().isEmpty(), attentionTensors(viaAdd).toString());
  }

  @Test
  void softmaxAsSecondMatMulOperandIsNotAttention() {
    CapturePlan plan =
        analyze(
            new Graph("g")
                .node(new Node("s", "Softmax").in("x").out("p"))
                .node(new Node("m", "MatMul").in("x", "p").out("y"))
                .input("x", 1, 4, 4)
                .output("y", 1, 4, 4));
    assertTrue(plan.attention().isEmpty(), attentionTensors(plan).toString());
  }

  @Test
  void softmaxThroughDropoutToMatMulIsAttention() {
    CapturePlan plan =
        analyze(
            new Graph("g")
                .node(new Node("attn/MatMul", "MatMul").in("q", "k").out("scores"))
                .node(new Node("attn/Softmax", "Softmax").in("scores").out("probs"))
                .node(new Node("attn/Dropout", "Dropout").in("probs").out("dropped", "mask"))
                .node(new Node("attn/MatMul_1", "MatMul").in("dropped", "v").out("ctx"))
                .input("q", 1, 4, 4)
                .input("k", 1, 4, 4)
                .input("v", 1, 4, 4)
                .output("ctx", 1, 4, 4));
    assertEquals(List.of("0:probs"), attentionTensors(plan));
  }

  @Test
  void softmaxThroughCastAndIdentityToMatMulIsAttention() {
    CapturePlan plan =
        analyze(
            new Graph("g")
                .node(new Node("s", "Softmax").in("scores").out("probs"))
                .node(new Node("c", "Cast").in("probs").out("cast").intAttribute("to", 1))
                .node(new Node("i", "Identity").in("cast").out("same"))
                .node(new Node("m", "MatMul").in("same", "v").out("ctx"))
                .input("scores", 1, 4, 4)
                .input("v", 1, 4, 4)
                .output("ctx", 1, 4, 4));
    assertEquals(List.of("0:probs"), attentionTensors(plan));
  }

  @Test
  void softmaxAxisDecides() {
    for (long axis : new long[] {1, 0, 2, -2}) {
      CapturePlan plan =
          analyze(
              new Graph("g")
                  .node(new Node("s", "Softmax").in("x").out("p").intAttribute("axis", axis))
                  .node(new Node("m", "MatMul").in("p", "x").out("y"))
                  .input("x", 1, 4, 4, 4)
                  .output("y", 1, 4, 4, 4));
      assertTrue(plan.attention().isEmpty(), "axis " + axis + ": " + attentionTensors(plan));
    }
    for (long axis : new long[] {-1, 3}) {
      CapturePlan plan =
          analyze(
              new Graph("g")
                  .node(new Node("s", "Softmax").in("x").out("p").intAttribute("axis", axis))
                  .node(new Node("m", "MatMul").in("p", "x").out("y"))
                  .input("x", 1, 4, 4, 4)
                  .output("y", 1, 4, 4, 4));
      assertEquals(List.of("0:p"), attentionTensors(plan), "axis " + axis);
    }
  }

  @Test
  void softmaxInAnotherDomainIsNotAttention() {
    CapturePlan plan =
        analyze(
            new Graph("g")
                .node(new Node("s", "Softmax").domain("com.example").in("x").out("p"))
                .node(new Node("m", "MatMul").in("p", "x").out("y"))
                .input("x", 1, 4, 4)
                .output("y", 1, 4, 4));
    assertTrue(plan.attention().isEmpty());
    CapturePlan onnxDomain =
        analyze(
            new Graph("g")
                .node(new Node("s", "Softmax").domain("ai.onnx").in("x").out("p"))
                .node(new Node("m", "MatMul").in("p", "x").out("y"))
                .input("x", 1, 4, 4)
                .output("y", 1, 4, 4));
    assertEquals(List.of("0:p"), attentionTensors(onnxDomain));
  }

  @Test
  void fusedAttentionIsCountedNotCaptured() {
    CapturePlan plan =
        analyze(
            new Graph("g")
                .node(
                    new Node("/layers.0/attn/Attention", "Attention")
                        .domain("com.microsoft")
                        .in("x", "w", "b")
                        .out("a0")
                        .intAttribute("num_heads", 12))
                .node(
                    new Node("/layers.1/attn/MultiHeadAttention", "MultiHeadAttention")
                        .domain("com.microsoft")
                        .in("a0", "a0", "a0")
                        .out("a1"))
                .input("x", 1, 4, 8)
                .output("a1", 1, 4, 8));
    assertEquals(2, plan.fusedAttentionNodes());
    assertTrue(plan.attention().isEmpty());
    CapturePlan one =
        analyze(
            new Graph("g")
                .node(
                    new Node("Attention_0", "Attention")
                        .domain("com.microsoft")
                        .in("x", "w", "b")
                        .out("y"))
                .input("x", 1, 4, 8)
                .output("y", 1, 4, 8));
    assertEquals(1, one.fusedAttentionNodes());
    assertTrue(one.isEmpty());
  }

  @Test
  void layerNumbersFromNodeNames() {
    assertEquals(3, AttentionGraphAnalyzer.layerOf("model/layers.3/attn/Softmax"));
    assertEquals(7, AttentionGraphAnalyzer.layerOf("h.7/attn/Softmax"));
    assertEquals(11, AttentionGraphAnalyzer.layerOf("/encoder/layer.11/attention/self/Softmax"));
    assertEquals(2, AttentionGraphAnalyzer.layerOf("/transformer/h.2/attn/Softmax"));
    assertEquals(4, AttentionGraphAnalyzer.layerOf("/blocks.4/attn/Softmax"));
    assertEquals(5, AttentionGraphAnalyzer.layerOf("model.block_5.attn.Softmax"));
    assertEquals(-1, AttentionGraphAnalyzer.layerOf("attn/Softmax"));
    assertEquals(-1, AttentionGraphAnalyzer.layerOf("/math.3/Softmax"));
    assertEquals(-1, AttentionGraphAnalyzer.layerOf("/layer.x/Softmax"));
    assertEquals(-1, AttentionGraphAnalyzer.layerOf(""));
  }

  @Test
  void attentionLayersFromNamesInAnyOrder() {
    Graph g = new Graph("g");
    // Written out of order: sites come out sorted by layer.
    attentionBlock(g, "model/layers.3/attn", "x", "y3");
    attentionBlock(g, "model/layers.1/attn", "y3", "y1");
    g.input("x", 1, 4, 4).output("y1", 1, 4, 4);
    assertEquals(
        List.of("1:model/layers.1/attn/probs", "3:model/layers.3/attn/probs"),
        attentionTensors(analyze(g)));

    Graph gpt = new Graph("g");
    attentionBlock(gpt, "h.7/attn", "x", "y");
    gpt.input("x", 1, 4, 4).output("y", 1, 4, 4);
    assertEquals(List.of("7:h.7/attn/probs"), attentionTensors(analyze(gpt)));
  }

  @Test
  void ordinalFallbackWhenNamesHaveNoLayer() {
    Graph g = new Graph("g");
    attentionBlock(g, "attn_a", "x", "y0");
    attentionBlock(g, "attn_b", "y0", "y1");
    attentionBlock(g, "attn_c", "y1", "y2");
    g.input("x", 1, 4, 4).output("y2", 1, 4, 4);
    assertEquals(
        List.of("0:attn_a/probs", "1:attn_b/probs", "2:attn_c/probs"),
        attentionTensors(analyze(g)));
  }

  @Test
  void ordinalFallbackWhenOnlySomeNamesHaveALayer() {
    Graph g = new Graph("g");
    attentionBlock(g, "/layers.5/attn", "x", "y0");
    attentionBlock(g, "attn_extra", "y0", "y1");
    g.input("x", 1, 4, 4).output("y1", 1, 4, 4);
    assertEquals(
        List.of("0:/layers.5/attn/probs", "1:attn_extra/probs"), attentionTensors(analyze(g)));
  }

  @Test
  void ordinalFallbackWhenALayerHasTwoSoftmaxes() {
    Graph g = new Graph("g");
    attentionBlock(g, "/layers.0/self_attn", "x", "y0");
    attentionBlock(g, "/layers.0/cross_attn", "y0", "y1");
    attentionBlock(g, "/layers.1/self_attn", "y1", "y2");
    g.input("x", 1, 4, 4).output("y2", 1, 4, 4);
    assertEquals(
        List.of(
            "0:/layers.0/self_attn/probs",
            "1:/layers.0/cross_attn/probs",
            "2:/layers.1/self_attn/probs"),
        attentionTensors(analyze(g)));
  }

  /**
   * Two named layers: the residual leaving layer 0 (consumed by layer 1) and the graph output
   * produced by layer 1 are the hidden states; tensors used only inside a layer are not.
   */
  @Test
  void hiddenStatesLeaveEachLayer() {
    Graph g = new Graph("g").node(new Node("/embeddings/Add", "Add").in("x", "pos").out("emb"));
    for (int l = 0; l < 2; l++) {
      String in = l == 0 ? "emb" : "h0";
      String p = "/layers." + l;
      attentionBlock(g, p + "/attn", in, p + "/ctx");
      g.node(new Node(p + "/Add", "Add").in(p + "/ctx", in).out(p + "/res"))
          .node(
              new Node(p + "/LayerNorm", "LayerNormalization")
                  .in(p + "/res", "gamma")
                  .out("h" + l));
    }
    g.node(new Node("/pooler/ReduceMean", "ReduceMean").in("h1").out("pooled"))
        .input("x", 1, 4, 8)
        .input("pos", 1, 4, 8)
        .output("h1", 1, 4, 8)
        .output("pooled", 1, 8);
    CapturePlan plan = analyze(g);
    assertEquals(
        List.of("0:/layers.0/attn/probs", "1:/layers.1/attn/probs"), attentionTensors(plan));
    assertEquals(List.of("0:h0", "1:h1"), hiddenTensors(plan));
    assertEquals(
        List.of(
            "/layers.0/attn/probs",
            "/layers.1/attn/probs",
            "h0",
            "h1",
            "/layers.0/ctx",
            "/layers.1/ctx"),
        plan.tensorNames());
  }

  @Test
  void graphWithoutAttentionOrLayersGivesAnEmptyPlan() {
    CapturePlan plan =
        analyze(
            new Graph("g")
                .node(new Node("relu", "Relu").in("x").out("r"))
                .node(new Node("add", "Add").in("r", "r").out("y"))
                .input("x", 1, 4)
                .output("y", 1, 4));
    assertTrue(plan.isEmpty());
    assertEquals(0, plan.fusedAttentionNodes());
    assertEquals(List.of(), plan.tensorNames());
  }

  /**
   * A static (QDQ) quantized layer: the layer's output is quantized and dequantized by nodes named
   * after it, and the softmax reaches the values' product through QuantizeLinear/DequantizeLinear.
   */
  @Test
  void quantizeDequantizePairsAreLookedThrough() {
    Graph g =
        new Graph("qdq")
            .node(new Node("/layer.0/MatMul", "MatMul").in("x", "x").out("/layer.0/scores"))
            .node(
                new Node("/layer.0/Softmax", "Softmax")
                    .in("/layer.0/scores")
                    .out("/layer.0/probs")
                    .intAttribute("axis", -1))
            .node(
                new Node("/layer.0/probs_QuantizeLinear", "QuantizeLinear")
                    .in("/layer.0/probs", "s", "z")
                    .out("/layer.0/probs_quantized"))
            .node(
                new Node("/layer.0/probs_DequantizeLinear", "DequantizeLinear")
                    .in("/layer.0/probs_quantized", "s", "z")
                    .out("/layer.0/probs_dq"))
            .node(
                new Node("/layer.0/MatMul_1", "MatMul")
                    .in("/layer.0/probs_dq", "x")
                    .out("/layer.0/ctx"))
            .node(new Node("/layer.0/Add", "Add").in("/layer.0/ctx", "x").out("/layer.0/out"))
            .node(
                new Node("/layer.0/out_QuantizeLinear", "QuantizeLinear")
                    .in("/layer.0/out", "s", "z")
                    .out("/layer.0/out_quantized"))
            .node(
                new Node("/layer.0/out_DequantizeLinear", "DequantizeLinear")
                    .in("/layer.0/out_quantized", "s", "z")
                    .out("/layer.0/out_dq"))
            .node(new Node("/layer.1/Relu", "Relu").in("/layer.0/out_dq").out("y"))
            .input("x", 1, 4, 4)
            .output("y", 1, 4, 4);
    CapturePlan plan = analyze(g);
    assertEquals(List.of("0:/layer.0/probs"), attentionTensors(plan));
    assertEquals(List.of("0:/layer.0/out", "1:y"), hiddenTensors(plan));
    assertEquals("/layer.0/ctx", plan.headOutputs().get(0).tensorName());
  }

  /**
   * Dynamic quantization of the attention product itself: DynamicQuantizeLinear, MatMulInteger,
   * then Cast and Mul by the scales; the per-head output is the rescaled float product.
   */
  @Test
  void integerAttentionProductIsReadWhereItIsScaledBack() {
    Graph g =
        new Graph("dynamic")
            .node(new Node("/layer.0/MatMul", "MatMul").in("x", "x").out("/layer.0/scores"))
            .node(
                new Node("/layer.0/Softmax", "Softmax")
                    .in("/layer.0/scores")
                    .out("/layer.0/probs")
                    .intAttribute("axis", -1))
            .node(
                new Node("/layer.0/probs_QuantizeLinear", "DynamicQuantizeLinear")
                    .in("/layer.0/probs")
                    .out(
                        "/layer.0/probs_quantized",
                        "/layer.0/probs_scale",
                        "/layer.0/probs_zero_point"))
            .node(
                new Node("/layer.0/MatMul_1_quant", "MatMulInteger")
                    .in("/layer.0/probs_quantized", "vq", "/layer.0/probs_zero_point", "vz")
                    .out("/layer.0/ctx_int"))
            .node(
                new Node("/layer.0/ctx_cast", "Cast").in("/layer.0/ctx_int").out("/layer.0/ctx_f"))
            .node(
                new Node("/layer.0/ctx_scale", "Mul")
                    .in("/layer.0/ctx_f", "/layer.0/probs_scale")
                    .out("/layer.0/ctx"))
            .node(new Node("/layer.0/Add", "Add").in("/layer.0/ctx", "x").out("/layer.0/out"))
            .node(new Node("/layer.1/Relu", "Relu").in("/layer.0/out").out("y"))
            .input("x", 1, 4, 4)
            .output("y", 1, 4, 4);
    CapturePlan plan = analyze(g);
    assertEquals(List.of("0:/layer.0/probs"), attentionTensors(plan));
    assertEquals(List.of("0:/layer.0/out", "1:y"), hiddenTensors(plan));
    assertEquals(1, plan.headOutputs().size());
    assertEquals("/layer.0/ctx", plan.headOutputs().get(0).tensorName());
  }
}
