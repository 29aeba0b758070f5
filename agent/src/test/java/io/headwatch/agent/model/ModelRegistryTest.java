package io.headwatch.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.headwatch.agent.config.HeadwatchConfig;
import io.headwatch.agent.config.Setting;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator's names over derived ones: per model first, then the one name for all. */
class ModelRegistryTest {
  private static ModelRegistry registry(Map<Setting, String> settings) {
    return new ModelRegistry(
        HeadwatchConfig.of(settings),
        () -> {
          throw new AssertionError("naming needs no telemetry");
        });
  }

  @Test
  void derivedNamesByDefault() {
    ModelRegistry registry = registry(Map.of());
    assertEquals("all-minilm-l6-v2", registry.reportedName("all-minilm-l6-v2"));
    assertEquals("onnx-24d0e645", registry.reportedName("onnx-24d0e645"));
  }

  @Test
  void perModelNamesWinOverTheOneNameForAll() {
    ModelRegistry registry =
        registry(
            Map.of(
                Setting.MODEL_NAMES,
                "onnx-24d0e645=intent-encoder; all-minilm-l6-v2=search-encoder",
                Setting.MODEL_NAME,
                "every-model"));
    assertEquals("intent-encoder", registry.reportedName("onnx-24d0e645"));
    assertEquals("search-encoder", registry.reportedName("all-minilm-l6-v2"));
    assertEquals("every-model", registry.reportedName("djl-minilm"));
  }

  @Test
  void perModelNamesAlone() {
    ModelRegistry registry =
        registry(Map.of(Setting.MODEL_NAMES, "djl-minilm=minilm,onnx-5b18db2c=spring-minilm"));
    assertEquals("minilm", registry.reportedName("djl-minilm"));
    assertEquals("spring-minilm", registry.reportedName("onnx-5b18db2c"));
    assertEquals("other-model", registry.reportedName("other-model"));
  }
}
