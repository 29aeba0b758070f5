package io.headwatch.agent.djl;

import ai.djl.Model;
import ai.djl.modality.Classifications;
import io.headwatch.agent.export.ModelTelemetry;
import io.headwatch.agent.export.TelemetryNames;
import io.headwatch.agent.model.ModelNames;
import io.headwatch.agent.runtime.AgentRuntime;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names DJL models and their operations; the model registry keeps their telemetry (one per model
 * name and operation, whatever the number of predictors).
 */
final class DjlModels {
  static final int MAX_TRANSLATOR_CLASSES = 256;
  private static final Map<Class<?>, String> OPERATIONS = new ConcurrentHashMap<>();

  private DjlModels() {}

  /** The telemetry of the model a predictor runs, with the operation its translator implies. */
  static ModelTelemetry telemetry(AgentRuntime runtime, Object model, Object translator) {
    String name = modelName(model);
    String operation =
        runtime.config().operationName().isEmpty()
            ? operation(translator)
            : runtime.config().operationName();
    return runtime.models().model(name, operation, TelemetryNames.PROVIDER_DJL);
  }

  /**
   * The derived name: DJL's model name ({@code Criteria.optModelName}, else the model folder's
   * name) without a temporary folder's random suffix, else the stable part of its path ({@link
   * ModelNames#djlModel}); the registry applies the operator's names over it.
   */
  static String modelName(Object model) {
    if (!(model instanceof Model m)) {
      return "djl-model";
    }
    String path = null;
    try {
      path = m.getModelPath() == null ? null : m.getModelPath().toString();
    } catch (RuntimeException e) {
      // a model without a path: its name alone
    }
    return ModelNames.djlModel(m.getName(), path);
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
      if (t instanceof ParameterizedType p) {
        Type[] args = p.getActualTypeArguments();
        if (args.length == 2 && args[1] == Classifications.class) {
          return true;
        }
      }
    }
    return false;
  }
}
