package io.headwatch.agent.djl;

import ai.djl.Model;
import ai.djl.modality.Classifications;
import io.headwatch.agent.AgentRuntime;
import io.headwatch.agent.export.ModelTelemetry;
import io.headwatch.agent.util.AgentLog;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names DJL models and their operations, and keeps one {@link ModelTelemetry} per (model,
 * operation): at most {@link #MAX_MODELS}, so that a process creating models without end cannot
 * grow the agent's memory or the series count.
 */
final class DjlModels {
  static final int MAX_MODELS = 64;
  static final int MAX_TRANSLATOR_CLASSES = 256;
  private static final Map<String, ModelTelemetry> TELEMETRY = new ConcurrentHashMap<>();
  private static final Map<Class<?>, String> OPERATIONS = new ConcurrentHashMap<>();

  private DjlModels() {}

  /** The telemetry of the model a predictor runs, with the operation its translator implies. */
  static ModelTelemetry telemetry(AgentRuntime runtime, Object model, Object translator) {
    String name = modelName(runtime.config().modelName(), model);
    String operation =
        runtime.config().operationName().isEmpty()
            ? operation(translator)
            : runtime.config().operationName();
    String key = name + '\u0000' + operation;
    ModelTelemetry t = TELEMETRY.get(key);
    if (t != null) {
      return t;
    }
    if (TELEMETRY.size() >= MAX_MODELS) {
      AgentLog.warnOnce(
          "djl-models",
          "more than " + MAX_MODELS + " DJL models; further ones are" + " reported as djl-other",
          null);
      name = "djl-other";
      key = name + '\u0000' + operation;
    }
    String finalName = name;
    return TELEMETRY.computeIfAbsent(
        key,
        k ->
            new ModelTelemetry(
                runtime.telemetry(),
                finalName,
                operation,
                runtime.newSampler(),
                runtime.newAttentionSeries()));
  }

  /**
   * The configured name, else DJL's model name ({@code Criteria.optModelName}, the file's name).
   */
  static String modelName(String configured, Object model) {
    if (!configured.isEmpty()) {
      return configured;
    }
    String name = model instanceof Model ? ((Model) model).getName() : null;
    return sanitize(name == null ? "" : name);
  }

  /**
   * {@code classification} when the translator produces DJL {@code Classifications} (read from its
   * generic type) or is named like a classifier, {@code embeddings} when it is named like an
   * embedding translator, else {@code inference}. Kept per translator class.
   */
  static String operation(Object translator) {
    if (translator == null) {
      return "inference";
    }
    Class<?> type = translator.getClass();
    String known = OPERATIONS.get(type);
    if (known != null) {
      return known;
    }
    String operation = operationOf(type);
    if (OPERATIONS.size() < MAX_TRANSLATOR_CLASSES) {
      OPERATIONS.put(type, operation); // bounded: a class-generating application cannot grow it
    }
    return operation;
  }

  private static String operationOf(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      String simple = c.getSimpleName().toLowerCase(Locale.ROOT);
      if (producesClassifications(c) || simple.contains("classif")) {
        return "classification";
      }
      if (simple.contains("embedding")) {
        return "embeddings";
      }
    }
    return "inference";
  }

  private static boolean producesClassifications(Class<?> c) {
    Type[] interfaces;
    try {
      interfaces = c.getGenericInterfaces();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
    for (Type t : interfaces) {
      if (t instanceof ParameterizedType) {
        Type[] args = ((ParameterizedType) t).getActualTypeArguments();
        if (args.length == 2 && args[1] == Classifications.class) {
          return true;
        }
      }
    }
    return false;
  }

  /** Bounded, printable label values: at most 96 characters of {@code [A-Za-z0-9._-]}. */
  static String sanitize(String name) {
    StringBuilder out = new StringBuilder(Math.min(name.length(), 96));
    for (int i = 0; i < name.length() && out.length() < 96; i++) {
      char c = name.charAt(i);
      out.append(
          c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.') ? c : '_');
    }
    return out.length() == 0 ? "djl-model" : out.toString();
  }
}
