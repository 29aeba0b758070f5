package io.headwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sampling rate 1.0 with the default overhead budget (2 % of inference time): the agent exports the
 * rate in force, its measured cost and the budget, for the dashboards' cost panels.
 */
class OverheadBudgetIT {
  @Test
  void samplingStateIsExported() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      ChildJvm app =
          ChildJvm.run(
              List.of("-javaagent:" + ChildJvm.agentJar() + "=sampling.rate=1.0"),
              List.of(
                  "-jar", ChildJvm.requiredProperty("semantic-search.jar"), "--query", "refund"),
              ChildJvm.otlpEnvironment(receiver, "budget-e2e"),
              300);
      assertEquals(0, app.exitCode, app.toString());

      // How the budget lowers the rate over time is tested with simulated time
      // (AdaptiveSamplerTest); a command-line run ends inside the budget's 30 s warm-up, during
      // which the configured rate applies. Here: the sampling state reaches the export.
      double effective = lastGauge(receiver, "headwatch.agent.sampling.effective_rate");
      assertEquals(1.0, effective, 1e-12, "the configured rate during the warm-up");
      assertEquals(0.02, lastGauge(receiver, "headwatch.agent.cost.budget"), 1e-12);
      double cost = lastGauge(receiver, "headwatch.agent.cost");
      assertTrue(cost > 0 && Double.isFinite(cost), "measured cost " + cost);

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
      assertEquals(all, sampled, "every inference sampled at rate 1.0 during the warm-up");
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
