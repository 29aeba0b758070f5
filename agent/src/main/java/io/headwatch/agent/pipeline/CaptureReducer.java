package io.headwatch.agent.pipeline;

import io.headwatch.agent.capture.Capture;
import io.headwatch.agent.capture.LayerTensor;
import io.headwatch.agent.export.ModelTelemetry;
import io.headwatch.agent.stats.ActivationStatistics;
import io.headwatch.agent.stats.ActivationSummary;
import io.headwatch.agent.stats.AttentionStatistics;
import io.headwatch.agent.stats.HeadOutputStatistics;
import io.headwatch.agent.stats.SequenceStatistics;
import io.headwatch.agent.util.AgentLog;
import java.util.ArrayList;
import java.util.List;

/**
 * Reduces a {@link Capture} to statistics: every sequence's attention, per-head output and
 * activation statistics are recorded as metrics; the first {@code maxSequences} sequences are also
 * kept whole for their snapshot records. Used by the statistics worker only (it reuses buffers).
 */
final class CaptureReducer {
  private final int maxSequences;
  private final ActivationStatistics activations = new ActivationStatistics();
  private final ActivationSummary summary = new ActivationSummary();

  CaptureReducer(int maxSequences) {
    this.maxSequences = maxSequences;
  }

  /** Records the capture's metrics and returns the statistics of its first sequences. */
  List<SequenceStatistics> reduce(Capture capture) {
    ModelTelemetry model = capture.model();
    int layers = capture.layers();
    List<SequenceStatistics> kept = new ArrayList<>();
    java.util.BitSet withAttention = new java.util.BitSet();

    for (LayerTensor site : capture.attention()) {
      long[] shape = site.tensor().shape();
      if (shape.length != 4 || shape[2] != shape[3] || shape[1] < 1 || shape[2] < 1) {
        AgentLog.warnOnce(
            "attention-shape-" + model.model() + "-" + site.layer(),
            "attention of layer "
                + site.layer()
                + " of model "
                + model.model()
                + " is not [batch, heads, query, key]; skipped",
            null);
        continue;
      }
      int batch = (int) shape[0];
      int heads = (int) shape[1];
      int length = (int) shape[2];
      float[] values = site.tensor().values();
      double[] out = new double[heads * AttentionStatistics.COUNT];
      for (int b = 0; b < batch; b++) {
        boolean[] valid = capture.validPositions(b, length);
        int offset = b * heads * length * length;
        if (AttentionStatistics.compute(values, offset, heads, length, valid, out) == 0) {
          continue;
        }
        model.recordAttentionLayer(layers, site.layer(), heads, out);
        withAttention.set(b);
        SequenceStatistics s = sequence(kept, capture, b, layers);
        if (s != null) {
          s.attention(site.layer(), heads, out);
        }
      }
    }

    for (int b = 0; b < withAttention.cardinality(); b++) {
      model.recordAttentionSequence();
    }

    for (LayerTensor site : capture.headOutputs()) {
      long[] shape = site.tensor().shape();
      if (shape.length != 4 || shape[1] < 1 || shape[2] < 1 || shape[3] < 1) {
        continue; // optional: not every model has a readable per-head output
      }
      int batch = (int) shape[0];
      int heads = (int) shape[1];
      int length = (int) shape[2];
      int dim = (int) shape[3];
      float[] values = site.tensor().values();
      double[] norms = new double[heads];
      for (int b = 0; b < batch && b < maxSequences; b++) {
        boolean[] valid = capture.validPositions(b, length);
        int offset = b * heads * length * dim;
        if (HeadOutputStatistics.meanNorms(values, offset, heads, length, dim, valid, norms, 0)
            == 0) {
          continue;
        }
        SequenceStatistics s = sequence(kept, capture, b, layers);
        if (s != null) {
          s.headOutputNorms(site.layer(), heads, norms);
        }
      }
    }

    for (LayerTensor site : capture.hiddenStates()) {
      long[] shape = site.tensor().shape();
      if (shape.length != 3) {
        AgentLog.warnOnce(
            "hidden-shape-" + model.model() + "-" + site.layer(),
            "hidden state of layer "
                + site.layer()
                + " of model "
                + model.model()
                + " is not [batch, sequence, hidden]; skipped",
            null);
        continue;
      }
      int batch = (int) shape[0];
      int length = (int) shape[1];
      int width = (int) shape[2];
      float[] values = site.tensor().values();
      for (int b = 0; b < batch; b++) {
        boolean[] valid = capture.validPositions(b, length);
        activations.summarize(values, b * length * width, length, width, valid, summary);
        if (summary.count() == 0 && summary.nonFiniteCount() == 0) {
          continue;
        }
        model.recordActivation(site.layer(), summary);
        SequenceStatistics s = sequence(kept, capture, b, layers);
        if (s != null) {
          s.activation(site.layer(), summary);
        }
      }
    }
    return kept;
  }

  /** The kept statistics of sequence {@code b}, created in order; null beyond maxSequences. */
  private SequenceStatistics sequence(
      List<SequenceStatistics> kept, Capture capture, int b, int layers) {
    if (b >= maxSequences) {
      return null;
    }
    while (kept.size() <= b) {
      int index = kept.size();
      SequenceStatistics s = new SequenceStatistics(index, layers);
      if (index < capture.tokens().length) {
        s.tokens(capture.tokens()[index]);
      }
      kept.add(s);
    }
    return kept.get(b);
  }
}
