package io.headwatch.collector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** trace-url-template: an http(s) link with {trace_id}, or empty (no link). */
class TraceUrlTemplateSettingTest {
  @Test
  void offByDefault() throws Exception {
    assertTrue(ConfigLoader.load(new String[0], Map.of()).traceUrlTemplate().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://jaeger:16686/trace/{trace_id}",
        "https://tempo.example/explore?trace={trace_id}&span={span_id}",
        "http://grafana:3000/explore?left=%7B%22queries%22:%5B%7B%22query%22:%22{trace_id}%22%7D%5D%7D"
      })
  void acceptsHttpLinksWithTheTraceId(String template) throws Exception {
    CollectorConfig c =
        ConfigLoader.load(new String[] {"--trace-url-template", template}, Map.of());
    assertEquals(template, c.traceUrlTemplate().orElseThrow());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://jaeger:16686/search",
        "javascript:alert('{trace_id}')",
        "ftp://host/{trace_id}",
        "http://grafana/explore?left={\"q\":\"{trace_id}\"}",
        "/trace/{trace_id}"
      })
  void refusesOtherValuesNamingTheSetting(String template) {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(new String[] {"--trace-url-template", template}, Map.of()));
    assertTrue(
        e.getMessage().startsWith("invalid setting trace-url-template (from --trace-url-template)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("containing {trace_id}"), e.getMessage());
  }
}
