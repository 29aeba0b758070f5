package io.headwatch.agent.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real quantized all-MiniLM-L6-v2 (langchain4j's {@code all-minilm-l6-v2-q}, ONNX Runtime's
 * dynamic quantization): every linear layer is {@code DynamicQuantizeLinear} + {@code
 * MatMulInteger}, and each layer's output is quantized for the next one by a node named after it.
 * The hidden state leaving a layer is the float LayerNorm output (what the next layer's residual
 * adds), not the zero point or scale its quantization node also produces.
 */
class QuantizedMiniLmGraphAnalysisTest {
  private static OnnxModel model;
  private static CapturePlan plan;

  @BeforeAll
  static void parse() throws Exception {
    try (InputStream in =
        QuantizedMiniLmGraphAnalysisTest.class
            .getClassLoader()
            .getResourceAsStream("all-minilm-l6-v2-q.onnx")) {
      assertNotNull(in, "all-minilm-l6-v2-q.onnx is not on the test class path");
      model = OnnxModel.parse(in.readAllBytes());
    }
    plan = AttentionGraphAnalyzer.analyze(model);
  }

  @Test
  void theGraphIsQuantized() {
    Map<String, Long> ops =
        model.nodes().stream()
            .collect(Collectors.groupingBy(OnnxNode::opType, Collectors.counting()));
    // 6 layers x (query, key, value, attention output, intermediate, output) = 36.
    assertEquals(36L, ops.get("MatMulInteger"), ops.toString());
    assertEquals(24L, ops.get("DynamicQuantizeLinear"), ops.toString());
  }

  @Test
  void sixAttentionSites() {
    List<String> expected = new ArrayList<>();
    for (int l = 0; l < MiniLmModel.LAYERS; l++) {
      expected.add(l + ":" + MiniLmModel.softmax(l));
    }
    assertEquals(expected, sites(plan.attention()));
  }

  @Test
  void hiddenStatesAreTheFloatLayerOutputsNotTheirQuantizationParameters() {
    List<String> expected = new ArrayList<>();
    for (int l = 0; l < MiniLmModel.LAYERS; l++) {
      expected.add(l + ":" + MiniLmModel.hidden(l));
    }
    assertEquals(expected, sites(plan.hiddenStates()));
    for (CapturePlan.Site site : plan.hiddenStates()) {
      assertTrue(
          !site.tensorName().endsWith("_zero_point")
              && !site.tensorName().endsWith("_scale")
              && !site.tensorName().endsWith("_quantized"),
          site.toString());
    }
  }

  @Test
  void headOutputsAreTheFloatProductsWithTheValues() {
    List<String> expected = new ArrayList<>();
    for (int l = 0; l < MiniLmModel.LAYERS; l++) {
      expected.add(l + ":/encoder/layer." + l + "/attention/self/MatMul_1_output_0");
    }
    assertEquals(expected, sites(plan.headOutputs()));
  }

  private static List<String> sites(List<CapturePlan.Site> sites) {
    return sites.stream().map(s -> s.layer() + ":" + s.tensorName()).collect(Collectors.toList());
  }
}
