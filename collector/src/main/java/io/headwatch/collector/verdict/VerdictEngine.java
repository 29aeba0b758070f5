package io.headwatch.collector.verdict;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Verdicts for every model, each against its own baseline, within a byte budget. Thread-safe: calls
 * for different models run in parallel, calls for one model one at a time.
 *
 * <p>A model's baseline starts empty and restarts when its layers x heads change. When a new model
 * would exceed {@link VerdictSettings#maxBytesTotal()}, the least recently judged models are
 * dropped first (they start again from empty if they come back).
 */
public final class VerdictEngine {
  private final VerdictSettings settings;
  private final LinkedHashMap<String, ModelBaseline> models = new LinkedHashMap<>(16, 0.75f, true);
  private long reservedBytes;

  public VerdictEngine(VerdictSettings settings) {
    this.settings = settings;
  }

  public VerdictSettings settings() {
    return settings;
  }

  /**
   * Judges a prediction of {@code model} and, if it is clean (or only its input is unusual), adds
   * it to the model's baseline.
   */
  public Verdict judge(String model, PredictionStatistics prediction) {
    ModelBaseline b = baselineFor(model, prediction);
    synchronized (b) {
      return b.judge(prediction, true);
    }
  }

  /** Judges a prediction without adding it to the baseline (the baseline stays as it was). */
  public Verdict score(String model, PredictionStatistics prediction) {
    ModelBaseline b = baselineFor(model, prediction);
    synchronized (b) {
      return b.judge(prediction, false);
    }
  }

  /** Predictions in the model's baseline (0 if unknown). */
  public int baselineSize(String model) {
    ModelBaseline b;
    synchronized (this) {
      b = models.get(model);
    }
    if (b == null) {
      return 0;
    }
    synchronized (b) {
      return b.size();
    }
  }

  /** Bytes reserved by all baselines (each at the size it may grow to). */
  public synchronized long reservedBytes() {
    return reservedBytes;
  }

  /** Models with a baseline. */
  public synchronized int modelCount() {
    return models.size();
  }

  private synchronized ModelBaseline baselineFor(String model, PredictionStatistics p) {
    ModelBaseline b = models.get(model);
    if (b != null && b.layout().hasShape(p.layers(), p.heads())) {
      return b;
    }
    if (b != null) {
      models.remove(model);
      reservedBytes -= reservedOf(b);
    }
    FeatureLayout layout = new FeatureLayout(p.layers(), p.heads());
    int capacity = (int) ModelBaseline.rowsFor(p.layers(), p.heads(), settings);
    ModelBaseline fresh = new ModelBaseline(layout, settings, capacity);
    long need = fresh.capacity() < settings.minBaseline() ? 0 : fresh.reservedBytes();
    Iterator<Map.Entry<String, ModelBaseline>> eldest = models.entrySet().iterator();
    while (reservedBytes + need > settings.maxBytesTotal() && eldest.hasNext()) {
      ModelBaseline dropped = eldest.next().getValue();
      reservedBytes -= reservedOf(dropped);
      eldest.remove();
    }
    models.put(model, fresh);
    reservedBytes += need;
    return fresh;
  }

  private long reservedOf(ModelBaseline b) {
    return b.capacity() < settings.minBaseline() ? 0 : b.reservedBytes();
  }
}
