package io.headwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sampling rate 1.0 with the default overhead budget (2 % of inference time): every capture of
 * all-MiniLM-L6-v2 costs about a whole inference on the agent's thread, so the agent must lower its
 * effective rate far below 1 and export the rate, its measured cost and the budget.
 */
class OverheadBudgetIT {
  @Test
  void budgetLowersTheEffectiveRateAndIsExported() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      ChildJvm app =
          ChildJvm.run(
              List.of("-javaagent:" + ChildJvm.agentJar() + "=sampling.rate=1.0"),
              List.of(
                  "-jar", ChildJvm.requiredProperty("semantic-search.jar"), "--query", "refund"),
              ChildJvm.otlpEnvironment(receiver, "budget-e2e"),
              300);
      assertEquals(0, app.exitCode, app.toString());

      double effective = lastGauge(receiver, "headwatch.agent.sampling.effective_rate");
      assertTrue(effective < 0.1, "effective rate " + effective + " should be far below 1.0");
      assertEquals(0.02, lastGauge(receiver, "headwatch.agent.cost.budget"), 1e-12);
      double cost = lastGauge(receiver, "headwatch.agent.cost");
      assertTrue(cost > 0 && cost < 1.0, "measured cost " + cost);

      long sampled = 0;
      long all = 0;
      for (Metric m : receiver.metricsNamed("headwatch.agent.inferences")) {
        sampled = 0;
        all = 0;
        for (NumberDataPoint p : m.getSum().getDataPointsList()) {
          all += p.getAsInt();
          if ("true".equals(OtlpReceiver.attribute(p.getAttributesList(), "headwatch.sampled"))) {
            sampled += p.getAsInt();
          }
        }
      }
      assertTrue(all >= 300, "inferences " + all);
      assertTrue(sampled > 0, "the first inferences are sampled at the configured rate");
      assertTrue(sampled < all / 2, sampled + " of " + all + " sampled despite the budget");
    }
  }

  private static double lastGauge(OtlpReceiver receiver, String name) {
    List<Metric> metrics = receiver.metricsNamed(name);
    assertFalse(metrics.isEmpty(), "no metric " + name);
    Metric last = metrics.get(metrics.size() - 1);
    assertTrue(last.hasGauge(), name + " is a gauge");
    assertEquals("1", last.getUnit(), name);
    List<NumberDataPoint> points = last.getGauge().getDataPointsList();
    assertEquals(1, points.size(), name + " has one model");
    return points.get(0).getAsDouble();
  }
}
