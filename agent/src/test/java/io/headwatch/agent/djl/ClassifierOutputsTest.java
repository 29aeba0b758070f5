package io.headwatch.agent.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.modality.Classifications;
import ai.djl.modality.cv.output.BoundingBox;
import ai.djl.modality.cv.output.DetectedObjects;
import ai.djl.modality.cv.output.Rectangle;
import io.headwatch.agent.stats.OutputStatistics;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassifierOutputsTest {
  @Test
  void topOneMarginAndNormalisedEntropyPerInput() {
    Classifications peaked =
        new Classifications(List.of("a", "b", "c", "d"), List.of(0.7, 0.2, 0.05, 0.05));
    Classifications uniform = new Classifications(List.of("a", "b"), List.of(0.5, 0.5));
    double[][] out = DjlOutputs.classifierOutputs(List.of(peaked, uniform));
    double entropy = -(0.7 * Math.log(0.7) + 0.2 * Math.log(0.2) + 2 * 0.05 * Math.log(0.05));
    assertEquals(0.7, out[0][OutputStatistics.TOP1], 1e-6);
    assertEquals(0.5, out[0][OutputStatistics.MARGIN], 1e-6);
    assertEquals(entropy / Math.log(4), out[0][OutputStatistics.NORMALIZED_ENTROPY], 1e-6);
    assertEquals(0.5, out[1][OutputStatistics.TOP1], 1e-9);
    assertEquals(0.0, out[1][OutputStatistics.MARGIN], 1e-9);
    assertEquals(1.0, out[1][OutputStatistics.NORMALIZED_ENTROPY], 1e-9);
  }

  @Test
  void onlyPlainClassificationsCount() {
    DetectedObjects detections =
        new DetectedObjects(
            List.of("cat", "dog"),
            List.of(0.9, 0.8),
            Arrays.<BoundingBox>asList(new Rectangle(0, 0, 1, 1), new Rectangle(0, 0, 1, 1)));
    assertNull(DjlOutputs.classifierOutputs(List.of(detections)));
    assertNull(DjlOutputs.classifierOutputs(List.of(new float[] {1f})));
    assertNull(DjlOutputs.classifierOutputs("not a list"));
    double[][] mixed =
        DjlOutputs.classifierOutputs(
            Arrays.asList(null, new Classifications(List.of("x"), List.of(1.0))));
    assertNull(mixed[0]);
    assertEquals(1.0, mixed[1][OutputStatistics.TOP1]);
    assertEquals(1.0, mixed[1][OutputStatistics.MARGIN], "one class: top-2 is 0");
  }
}
