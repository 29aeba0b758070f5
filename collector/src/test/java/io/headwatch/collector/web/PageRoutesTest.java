package io.headwatch.collector.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PageRoutesTest {
  @ParameterizedTest
  @CsvSource({
    "/, models.html, 200",
    "/models, models.html, 200",
    "/models/, models.html, 200",
    "/models/all-minilm-l6-v2, model.html, 200",
    "/models/org%2Fbert, model.html, 200",
    "/models/%3Cimg%20src%3Dx%3E, model.html, 200",
    "/models/org%2Fbert/comparison, comparison.html, 200",
    "/models/all-minilm-l6-v2/comparison, comparison.html, 200",
    "/models//comparison, not-found.html, 404",
    "/models/a/b/comparison, not-found.html, 404",
    "/predictions, predictions.html, 200",
    "/predictions/4bf92f3577b34da6a3ce929d0e0e474e, prediction.html, 200",
    "/predictions/4BF92F3577B34DA6A3CE929D0E0E474E, prediction.html, 200",
    "/predictions/25, prediction.html, 200",
    // Explained by the prediction page itself, with a 404.
    "/predictions/not-a-trace, prediction.html, 404",
    "/predictions/4bf92f3577b34da6a3ce929d0e0e474, prediction.html, 404",
    "/models/a/b, not-found.html, 404",
    "/predictions/x/y, not-found.html, 404",
    "/nope, not-found.html, 404",
    "/modelsx, not-found.html, 404"
  })
  void pathsShowTheirPage(String path, String file, int status) {
    assertEquals(new PageRoutes.Page(file, status), PageRoutes.page(path));
  }

  @Test
  void apiAndMetricsAreNotPages() {
    assertTrue(PageRoutes.isApi("/api"));
    assertTrue(PageRoutes.isApi("/health/live"), "probes are the API's");
    assertTrue(PageRoutes.isApi("/health/ready"));
    assertTrue(PageRoutes.isApi("/api/models"));
    assertTrue(PageRoutes.isApi("/metrics"));
    assertTrue(PageRoutes.isApi("/health/live"));
    assertTrue(PageRoutes.isApi("/health/ready"));
    assertFalse(PageRoutes.isApi("/apis"));
    assertFalse(PageRoutes.isApi("/metrics/x"));
    assertFalse(PageRoutes.isApi("/models"));
  }
}
