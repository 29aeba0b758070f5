package io.headwatch.e2e.faults;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.headwatch.agent.stats.ActivationStatistics;
import io.headwatch.agent.stats.ActivationSummary;
import io.headwatch.agent.stats.AttentionStatistics;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX Runtime session of a (possibly faulted) BERT-style model whose attention probabilities,
 * per-head attention outputs and hidden states are extra graph outputs, reduced per prediction to
 * {@link PredictionFeatures} with the agent's statistics classes.
 */
public final class ModelProbe implements AutoCloseable {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final TransformerLayout layout;
  private final ActivationStatistics activations = new ActivationStatistics();

  /**
   * @param edited the model, with whatever faults were written into it
   */
  public ModelProbe(OnnxModelEditor edited, TransformerLayout layout) throws OrtException {
    this.env = OrtEnvironment.getEnvironment();
    this.layout = layout;
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(1);
    this.session = env.createSession(edited.toBytes(layout.probeOutputs()), options);
  }

  /** Runs one sequence (batch of one, no padding) and computes its features. */
  public PredictionFeatures run(WordPieceTokenizer.Encoding encoding) throws OrtException {
    long[] ids = encoding.ids();
    int n = ids.length;
    long[] mask = new long[n];
    Arrays.fill(mask, 1);
    long[] shape = {1, n};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
      inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
      inputs.put(
          "token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n]), shape));
      try (OrtSession.Result result =
          session.run(inputs, new java.util.HashSet<>(layout.probeOutputs()))) {
        return reduce(result, encoding);
      }
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private PredictionFeatures reduce(OrtSession.Result result, WordPieceTokenizer.Encoding enc)
      throws OrtException {
    List<TransformerLayout.Layer> layers = layout.layers();
    int layerCount = layers.size();
    int n = enc.length();
    boolean[] valid = AttentionStatistics.allValid(n);
    int heads = -1;
    double[][] attention = null;
    double[] headNorm = null;
    double[][] activation = new double[PredictionFeatures.ACTIVATION_NAMES.length][layerCount];
    ActivationSummary summary = new ActivationSummary();
    for (TransformerLayout.Layer layer : layers) {
      Tensor attn = Tensor.read(result, layer.attention());
      if (heads < 0) {
        heads = (int) attn.shape[1];
        attention = new double[AttentionStatistics.COUNT][layerCount * heads];
        headNorm = new double[layerCount * heads];
      }
      double[] out = new double[heads * AttentionStatistics.COUNT];
      AttentionStatistics.compute(attn.values, 0, heads, n, valid, out);
      for (int h = 0; h < heads; h++) {
        for (int s = 0; s < AttentionStatistics.COUNT; s++) {
          attention[s][layer.index() * heads + h] = out[h * AttentionStatistics.COUNT + s];
        }
      }
      Tensor ho = Tensor.read(result, layer.headOutput());
      int dim = (int) ho.shape[3];
      for (int h = 0; h < heads; h++) {
        headNorm[layer.index() * heads + h] = meanRowNorm(ho.values, h * n * dim, n, dim);
      }
      Tensor hidden = Tensor.read(result, layer.hiddenState());
      int width = (int) hidden.shape[2];
      activations.summarize(hidden.values, 0, n, width, valid, summary);
      int l = layer.index();
      activation[0][l] = summary.mean();
      activation[1][l] = summary.std();
      activation[2][l] = summary.absMax();
      activation[3][l] = summary.nonFiniteCount();
      activation[4][l] = summary.zeroFraction();
      activation[5][l] = summary.outlierFraction();
      activation[6][l] = summary.massiveCount();
    }
    return new PredictionFeatures(
        n,
        enc.truncated(),
        enc.unknownTokens(),
        layerCount,
        heads,
        attention,
        headNorm,
        activation);
  }

  /**
   * Mean over the {@code n} query rows of the L2 norm of each {@code dim}-wide row starting at
   * {@code offset}: one head's attention output before the output projection. A non-finite value
   * makes the result NaN (or infinite), never a smaller number.
   */
  static double meanRowNorm(float[] values, int offset, int n, int dim) {
    double total = 0;
    for (int i = 0; i < n; i++) {
      double sq = 0;
      for (int k = 0; k < dim; k++) {
        double v = values[offset + i * dim + k];
        sq += v * v;
      }
      total += Math.sqrt(sq);
    }
    return total / n;
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }

  private record Tensor(long[] shape, float[] values) {
    static Tensor read(OrtSession.Result result, String name) throws OrtException {
      OnnxValue value =
          result
              .get(name)
              .orElseThrow(() -> new IllegalStateException("no output " + name + " in the result"));
      OnnxTensor tensor = (OnnxTensor) value;
      FloatBuffer buffer = tensor.getFloatBuffer();
      float[] values = new float[buffer.remaining()];
      buffer.get(values);
      return new Tensor(tensor.getInfo().getShape(), values);
    }
  }
}
