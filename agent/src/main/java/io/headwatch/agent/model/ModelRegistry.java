package io.headwatch.agent.model;

import io.headwatch.agent.config.HeadwatchConfig;
import io.headwatch.agent.export.AgentTelemetry;
import io.headwatch.agent.export.AttentionSeries;
import io.headwatch.agent.export.ModelTelemetry;
import io.headwatch.agent.sampling.AdaptiveSampler;
import io.headwatch.agent.util.AgentLog;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The one owner of per-model identity: every engine asks here for the {@link ModelTelemetry} of a
 * (model name, operation), and gets the same one each time — one set of attributes, one sampler and
 * one budget per model, however many sessions or predictors the application opens and closes. At
 * most {@link #MAX_MODELS} models; further ones are reported as {@code other}, so that an
 * application creating models without end cannot grow the agent's memory or the series count.
 */
public final class ModelRegistry {
  public static final int MAX_MODELS = 256;
  static final String OTHER = "other";

  private final Map<String, ModelTelemetry> models = new ConcurrentHashMap<>();
  private final HeadwatchConfig config;
  private final Supplier<AgentTelemetry> telemetry;

  public ModelRegistry(HeadwatchConfig config, Supplier<AgentTelemetry> telemetry) {
    this.config = config;
    this.telemetry = telemetry;
  }

  /**
   * The name a model is reported under: the operator's name for it ({@code headwatch.model.names}),
   * else the one name for every model ({@code headwatch.model.name}), else {@code derived} (the
   * name the engine derived from the library, path, graph or bytes: {@link ModelNames}).
   */
  public String reportedName(String derived) {
    String perModel = config.modelNames().get(derived);
    if (perModel != null) {
      return perModel;
    }
    return config.modelName().isEmpty() ? derived : config.modelName();
  }

  /**
   * The telemetry of the model whose derived name is {@code derived} (a sanitized label) running
   * {@code operation} on {@code provider} ({@code gen_ai.provider.name}: onnxruntime, djl), under
   * its {@link #reportedName reported name}.
   */
  public ModelTelemetry model(String derived, String operation, String provider) {
    String name = reportedName(derived);
    String key = name + '\u0000' + operation + '\u0000' + provider;
    ModelTelemetry known = models.get(key);
    if (known != null) {
      return known;
    }
    synchronized (models) {
      known = models.get(key);
      if (known != null) {
        return known;
      }
      String finalName = name;
      if (models.size() >= MAX_MODELS) {
        AgentLog.warnOnce(
            "models-limit",
            "more than " + MAX_MODELS + " models; further ones are reported as " + OTHER,
            null);
        finalName = OTHER;
        key = OTHER + '\u0000' + operation + '\u0000' + provider;
        known = models.get(key);
        if (known != null) {
          return known;
        }
      }
      if (!finalName.equals(derived)) {
        AgentLog.info("model " + derived + " is reported as " + finalName);
      }
      ModelTelemetry created =
          new ModelTelemetry(
              telemetry.get(), finalName, operation, provider, newSampler(), newSeries());
      models.put(key, created);
      return created;
    }
  }

  /** Runs {@code action} for every model known (diagnostics). */
  public void forEach(java.util.function.Consumer<ModelTelemetry> action) {
    models.values().forEach(action);
  }

  private AdaptiveSampler newSampler() {
    return new AdaptiveSampler(
        config.samplingRate(), config.overheadBudget(), config.samplingMaxPerSecond());
  }

  private AttentionSeries newSeries() {
    return new AttentionSeries(
        config.attentionAggregation(), config.attentionTopK(), config.attentionMaxHeadSeries());
  }
}
