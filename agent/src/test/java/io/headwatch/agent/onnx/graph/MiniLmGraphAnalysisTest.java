package io.headwatch.agent.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parses and analyses the real all-MiniLM-L6-v2 export (6 layers, 12 heads). The expected tensor
 * names are those of the Hugging Face BERT export: each layer's attention probabilities leave
 * {@code /encoder/layer.N/attention/self/Softmax}, and each layer ends with the output LayerNorm,
 * the last one being the graph output {@code last_hidden_state}.
 */
class MiniLmGraphAnalysisTest {
  private static OnnxModel model;
  private static CapturePlan plan;

  @BeforeAll
  static void parse() {
    model = OnnxModel.parse(MiniLmModel.bytes());
    plan = AttentionGraphAnalyzer.analyze(model);
  }

  @Test
  void graphInputsAndOutputs() {
    assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), model.graphInputs());
    assertEquals(List.of("last_hidden_state"), model.graphOutputs());
  }

  @Test
  void noExternalData() {
    assertFalse(model.hasExternalData());
  }

  @Test
  void nodesAreRead() {
    // Six attention softmaxes exist as nodes with those exact names and the default domain.
    List<String> softmaxNodes = new ArrayList<>();
    for (OnnxNode node : model.nodes()) {
      if (node.opType().equals("Softmax")) {
        softmaxNodes.add(node.name());
        assertEquals("", node.domain(), node.name());
        assertEquals(1, node.outputs().size(), node.name());
      }
    }
    List<String> expected = new ArrayList<>();
    for (int l = 0; l < MiniLmModel.LAYERS; l++) {
      expected.add("/encoder/layer." + l + "/attention/self/Softmax");
    }
    assertEquals(expected, softmaxNodes);
  }

  @Test
  void sixAttentionSitesOnePerLayer() {
    assertEquals(MiniLmModel.LAYERS, plan.attention().size(), plan.attention().toString());
    for (int l = 0; l < MiniLmModel.LAYERS; l++) {
      CapturePlan.Site site = plan.attention().get(l);
      assertEquals(l, site.layer());
      assertEquals(MiniLmModel.softmax(l), site.tensorName());
    }
  }

  @Test
  void sixHiddenStateSitesEndingWithTheGraphOutput() {
    assertEquals(MiniLmModel.LAYERS, plan.hiddenStates().size(), plan.hiddenStates().toString());
    for (int l = 0; l < MiniLmModel.LAYERS; l++) {
      CapturePlan.Site site = plan.hiddenStates().get(l);
      assertEquals(l, site.layer());
      assertEquals(MiniLmModel.hidden(l), site.tensorName());
    }
    assertEquals("last_hidden_state", plan.hiddenStates().get(5).tensorName());
  }

  @Test
  void noFusedAttention() {
    assertEquals(0, plan.fusedAttentionNodes());
    assertFalse(plan.isEmpty());
  }

  @Test
  void tensorNamesAttentionFirstWithoutDuplicates() {
    List<String> expected = new ArrayList<>();
    for (int l = 0; l < MiniLmModel.LAYERS; l++) {
      expected.add(MiniLmModel.softmax(l));
    }
    for (int l = 0; l < MiniLmModel.LAYERS; l++) {
      expected.add(MiniLmModel.hidden(l));
    }
    for (int l = 0; l < MiniLmModel.LAYERS; l++) {
      expected.add("/encoder/layer." + l + "/attention/self/MatMul_1_output_0");
    }
    assertEquals(expected, plan.tensorNames());
  }

  @Test
  void headOutputsAreTheProductOfEachSoftmaxWithTheValues() {
    assertEquals(MiniLmModel.LAYERS, plan.headOutputs().size());
    for (int l = 0; l < MiniLmModel.LAYERS; l++) {
      assertEquals(l, plan.headOutputs().get(l).layer());
      // In the exported graph: MatMul_1 = MatMul(Softmax_output_0, values), before the heads are
      // transposed back and merged.
      assertEquals(
          "/encoder/layer." + l + "/attention/self/MatMul_1_output_0",
          plan.headOutputs().get(l).tensorName());
    }
  }
}
