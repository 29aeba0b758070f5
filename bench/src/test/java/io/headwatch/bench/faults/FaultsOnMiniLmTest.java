package io.headwatch.bench.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.headwatch.agent.stats.AttentionStatistics;
import java.io.InputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults written into the real all-MiniLM-L6-v2 do what they claim, checked through ONNX Runtime by
 * properties that hold whatever the weights are: zeroed queries make a head attend uniformly, a
 * zeroed value path leaves the attention pattern as it was and makes the head's output 0, a NaN
 * weight makes the layer's tensors NaN from the right place on.
 */
class FaultsOnMiniLmTest {
  private static byte[] base;
  private static WordPieceTokenizer.Encoding sentence;
  private static PredictionFeatures clean;

  @BeforeAll
  static void load() throws Exception {
    try (InputStream in =
        FaultsOnMiniLmTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
      base = in.readAllBytes();
    }
    sentence = WordPieceTokenizer.miniLm().encode("The quick brown fox jumps over the lazy dog.");
    clean = run(null);
  }

  private static PredictionFeatures run(Fault fault) throws Exception {
    OnnxModelEditor m = OnnxModelEditor.of(base);
    TransformerLayout layout = TransformerLayout.of(m);
    if (fault != null) {
      fault.apply(m, layout, 12);
    }
    try (ModelProbe probe = new ModelProbe(m, layout)) {
      return probe.run(sentence);
    }
  }

  @Test
  void theLayoutFindsSixLayersOfTwelveHeads() {
    TransformerLayout layout = TransformerLayout.of(OnnxModelEditor.of(base));
    assertEquals(6, layout.layers().size());
    assertEquals(6, clean.layers());
    assertEquals(12, clean.heads());
    assertEquals("/encoder/layer.3/attention/self/Softmax_output_0", layout.layer(3).attention());
    assertTrue(layout.layer(3).hiddenState().startsWith("/encoder/layer.3/output/"));
    for (double norm : clean.headOutputNorm()) {
      assertTrue(norm > 0 && Double.isFinite(norm));
    }
  }

  @Test
  void zeroedQueriesMakeTheHeadUniform() throws Exception {
    PredictionFeatures f = run(Fault.queryScale(2, 5, 0f));
    int n = sentence.length();
    int cell = 2 * 12 + 5;
    assertEquals(1.0, f.attention()[AttentionStatistics.ENTROPY][cell], 1e-5);
    assertEquals(1.0 / n, f.attention()[AttentionStatistics.MAX_WEIGHT][cell], 1e-5);
    // Layers before the fault are untouched.
    for (int c = 0; c < 2 * 12; c++) {
      assertEquals(clean.attention()[0][c], f.attention()[0][c], 0.0);
    }
  }

  @Test
  void aZeroedValuePathLeavesTheAttentionPatternAndSilencesTheHead() throws Exception {
    PredictionFeatures f = run(Fault.valueScale(3, 7, 0f));
    int cell = 3 * 12 + 7;
    for (int s = 0; s < AttentionStatistics.COUNT; s++) {
      for (int c = 0; c < 4 * 12; c++) {
        assertEquals(clean.attention()[s][c], f.attention()[s][c], 0.0, "stat " + s + " cell " + c);
      }
    }
    assertEquals(0.0, f.headOutputNorm()[cell]);
    assertTrue(Math.abs(clean.headOutputNorm()[cell]) > 0.1);
  }

  @Test
  void nanWeightsSpreadFromTheirLayer() throws Exception {
    PredictionFeatures ffn = run(Fault.nanFfn(3));
    double[] nonFinite = ffn.activation()[3];
    assertArrayEquals(
        new double[] {0, 0, 0}, new double[] {nonFinite[0], nonFinite[1], nonFinite[2]});
    assertEquals(sentence.length() * 384.0, nonFinite[3]);
    // Layer 3's attention is computed before its feed-forward block: still finite.
    assertTrue(Double.isFinite(ffn.attention()[0][3 * 12]));
    assertTrue(Double.isNaN(ffn.attention()[0][4 * 12]));

    PredictionFeatures query = run(Fault.nanQuery(2, 1));
    assertTrue(Double.isNaN(query.attention()[0][2 * 12 + 1]));
    assertTrue(Double.isFinite(query.attention()[0][2 * 12 + 2]));
    assertTrue(query.activation()[3][2] > 0);
  }
}
