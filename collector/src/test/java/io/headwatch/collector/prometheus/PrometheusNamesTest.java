package io.headwatch.collector.prometheus;

import static io.headwatch.collector.prometheus.PrometheusNames.Kind.COUNTER;
import static io.headwatch.collector.prometheus.PrometheusNames.Kind.GAUGE;
import static io.headwatch.collector.prometheus.PrometheusNames.Kind.HISTOGRAM;
import static io.headwatch.collector.prometheus.PrometheusNames.metricName;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PrometheusNamesTest {
  @Test
  void telemetryContractNames() {
    assertEquals(
        "headwatch_inference_duration_seconds",
        metricName("headwatch.inference.duration", "s", HISTOGRAM));
    assertEquals(
        "headwatch_inference_input_tokens",
        metricName("headwatch.inference.input.tokens", "{token}", HISTOGRAM));
    // Unit "1" adds _ratio to gauges only, as the upstream translator does.
    assertEquals(
        "headwatch_attention_entropy", metricName("headwatch.attention.entropy", "1", HISTOGRAM));
    assertEquals(
        "headwatch_activation_abs_max", metricName("headwatch.activation.abs_max", "", HISTOGRAM));
    // counters: the writer appends _total to the sample name
    assertEquals(
        "headwatch_activation_nonfinite",
        metricName("headwatch.activation.nonfinite", "{value}", COUNTER));
    assertEquals(
        "headwatch_agent_inferences",
        metricName("headwatch.agent.inferences", "{inference}", COUNTER));
    assertEquals(
        "headwatch_agent_overhead_seconds", metricName("headwatch.agent.overhead", "s", HISTOGRAM));
  }

  @Test
  void genericUnits() {
    assertEquals("jvm_memory_used_bytes", metricName("jvm.memory.used", "By", GAUGE));
    assertEquals("net_io_rate_bytes_per_second", metricName("net.io.rate", "By/s", GAUGE));
    assertEquals("cpu_utilization_ratio", metricName("cpu.utilization", "1", GAUGE));
    assertEquals("requests", metricName("requests.total", "1", COUNTER));
    assertEquals("rpc_duration_seconds", metricName("rpc.duration.seconds", "s", HISTOGRAM));
    assertEquals("queue_wait_milliseconds", metricName("queue-wait", "ms", HISTOGRAM));
    assertEquals("_3d_count", metricName("3d.count", "", GAUGE));
    assertEquals("odd_name_furlongs", metricName("odd name", "furlongs", GAUGE));
  }

  @Test
  void labelNames() {
    assertEquals("gen_ai_request_model", PrometheusNames.labelName("gen_ai.request.model"));
    assertEquals("headwatch_layer", PrometheusNames.labelName("headwatch.layer"));
    assertEquals("key_1abc", PrometheusNames.labelName("1abc"));
    assertEquals("key_x", PrometheusNames.labelName("_x"));
  }
}
