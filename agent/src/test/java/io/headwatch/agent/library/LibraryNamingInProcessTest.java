package io.headwatch.agent.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.headwatch.agent.HeadwatchAgent;
import io.headwatch.agent.config.HeadwatchConfig;
import io.headwatch.agent.config.Setting;
import io.headwatch.agent.export.AgentTelemetry;
import io.headwatch.agent.instrumentation.ModelLoading;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model names a langchain4j user recognises, with the agent installed in this JVM: the bundled
 * {@code AllMiniLmL6V2EmbeddingModel} (which hands ONNX Runtime bytes) is named after the
 * class-path resource it loads, and {@code OnnxEmbeddingModel} after the folder of its {@code
 * model.onnx}; the per-model setting renames one of them. The same names come back after a
 * "restart" (a second model object), unlike the random suffix of a temporary folder.
 */
class LibraryNamingInProcessTest {
  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  private static final AttributeKey<String> MODEL = AttributeKey.stringKey("gen_ai.request.model");

  @BeforeAll
  static void install() {
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(SPANS))
                    .build())
            .build();
    HeadwatchConfig config =
        HeadwatchConfig.of(
            Map.of(
                Setting.SAMPLING_RATE, "0",
                Setting.MODEL_NAMES, "all-minilm-l6-v2-q=quantized-minilm"));
    HeadwatchAgent.install(config, ByteBuddyAgent.install(), () -> AgentTelemetry.of(sdk));
  }

  private static Set<String> modelNames() {
    Set<String> names = new TreeSet<>();
    for (SpanData span : SPANS.getFinishedSpanItems()) {
      names.add(span.getAttributes().get(MODEL));
    }
    SPANS.reset();
    return names;
  }

  @Test
  void bundledModelIsNamedAfterItsClassPathResource() {
    new AllMiniLmL6V2EmbeddingModel().embed("where is my parcel");
    assertEquals(Set.of("all-minilm-l6-v2"), modelNames());
    assertEquals(null, ModelLoading.current(), "the loading hint ends with the load");
  }

  @Test
  void onnxEmbeddingModelIsNamedAfterTheFolderOfItsModelFile(@TempDir Path dir) throws Exception {
    // Hugging Face's layout: <model>/onnx/model.onnx, here with the quantized MiniLM.
    Path folder = Files.createDirectories(dir.resolve("all-minilm-l6-v2-q").resolve("onnx"));
    Path model = folder.resolve("model.onnx");
    Path tokenizer = folder.resolve("tokenizer.json");
    copy("all-minilm-l6-v2-q.onnx", model);
    copy("all-minilm-l6-v2-tokenizer.json", tokenizer);
    new OnnxEmbeddingModel(model, tokenizer, PoolingMode.MEAN).embed("where is my parcel");
    // all-minilm-l6-v2-q, renamed by headwatch.model.names.
    assertEquals(Set.of("quantized-minilm"), modelNames());
  }

  private static void copy(String resource, Path target) throws Exception {
    try (InputStream in =
        LibraryNamingInProcessTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertTrue(in != null, resource + " on the test class path");
      Files.copy(in, target);
    }
  }
}
