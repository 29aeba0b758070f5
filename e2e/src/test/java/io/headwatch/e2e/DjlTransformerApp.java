package io.headwatch.e2e;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.transformer.TransformerEncoderBlock;
import ai.djl.translate.NoopTranslator;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/**
 * An ordinary DJL application on the PyTorch engine, started in a child JVM by the tests:
 *
 * <ol>
 *   <li>a transformer encoder of {@link #LAYERS} DJL {@code TransformerEncoderBlock}s with seeded
 *       weights runs once on a fixed batch of two sequences;
 *   <li>a model that returns its attention probabilities among its outputs (as TorchScript models
 *       exported with {@code output_attentions} do) runs once on the same input;
 *   <li>a real TorchScript model (2 self-attention layers, 4 heads, made by {@code
 *       src/test/python/make_torchscript_attention.py}) that returns {@code (hidden, (attention0,
 *       attention1))} runs once on the same input.
 * </ol>
 *
 * It prints a digest of every output's bits.
 */
public final class DjlTransformerApp {
  static final int LAYERS = 2;
  static final int HEADS = 4;
  static final int EMBEDDING = 16;
  static final int HIDDEN = 32;
  static final int BATCH = 2;
  static final int LENGTH = 7;
  static final long SEED = 20261126L;
  static final String ENCODER_NAME = "tiny-encoder";
  static final String OUTPUTS_NAME = "attention-outputs";
  static final String TORCHSCRIPT_NAME = "torchscript-attention";

  public static void main(String[] args) throws Exception {
    try (Model encoder = encoder();
        Model outputs = attentionOutputs()) {
      try (Predictor<NDList, NDList> predictor = encoder.newPredictor(new NoopTranslator());
          NDManager manager = NDManager.newBaseManager("PyTorch")) {
        NDList result = predictor.predict(new NDList(input(manager)));
        System.out.println(
            "encoder output "
                + result.head().getShape()
                + " sha256: "
                + digest(result.head().toFloatArray()));
      }
      try (Predictor<NDList, NDList> predictor = outputs.newPredictor(new NoopTranslator());
          NDManager manager = NDManager.newBaseManager("PyTorch")) {
        NDList result = predictor.predict(new NDList(input(manager)));
        for (NDArray array : result) {
          System.out.println(
              "output " + array.getShape() + " sha256: " + digest(array.toFloatArray()));
        }
      }
    }
    try (Model torchScript = torchScript();
        Predictor<NDList, NDList> predictor = torchScript.newPredictor(new NoopTranslator());
        NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDList result = predictor.predict(new NDList(input(manager)));
      for (NDArray array : result) {
        System.out.println(
            "torchscript output " + array.getShape() + " sha256: " + digest(array.toFloatArray()));
      }
    }
  }

  /** The TorchScript fixture, loaded by DJL's PyTorch engine from the test resources. */
  static Model torchScript() throws Exception {
    java.net.URL url =
        DjlTransformerApp.class.getResource(
            "/" + TORCHSCRIPT_NAME + "/" + TORCHSCRIPT_NAME + ".pt");
    if (url == null) {
      throw new IllegalStateException("TorchScript fixture missing from the class path");
    }
    Model model = Model.newInstance(TORCHSCRIPT_NAME, "PyTorch");
    model.load(java.nio.file.Path.of(url.toURI()).getParent());
    return model;
  }

  /** The encoder: LAYERS DJL transformer blocks, parameters set from a seeded generator. */
  static Model encoder() {
    SequentialBlock block = new SequentialBlock();
    for (int l = 0; l < LAYERS; l++) {
      block.add(new TransformerEncoderBlock(EMBEDDING, HEADS, HIDDEN, 0.1f, Activation::relu));
    }
    Model model = Model.newInstance(ENCODER_NAME, "PyTorch");
    model.setBlock(block);
    block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(BATCH, LENGTH, EMBEDDING));
    seed(block);
    return model;
  }

  /** A model whose outputs are (hidden, attention [batch, 1, length, length]). */
  static Model attentionOutputs() {
    Block block =
        new LambdaBlock(
            list -> {
              NDArray x = list.head();
              NDArray scores = x.matMul(x.transpose(0, 2, 1)).div((float) Math.sqrt(EMBEDDING));
              NDArray probabilities = scores.softmax(2);
              return new NDList(probabilities.matMul(x), probabilities.expandDims(1));
            },
            "self-attention");
    Model model = Model.newInstance(OUTPUTS_NAME, "PyTorch");
    model.setBlock(block);
    return model;
  }

  /** Deterministic parameters: java.util.Random, not the engine's generator. */
  static void seed(Block block) {
    Random random = new Random(SEED);
    for (Pair<String, Parameter> entry : block.getParameters()) {
      String name = entry.getKey();
      NDArray array = entry.getValue().getArray();
      float[] values = new float[(int) array.size()];
      for (int i = 0; i < values.length; i++) {
        double g = random.nextGaussian();
        if (name.contains("runningVar")) {
          values[i] = (float) (1.0 + 0.1 * Math.abs(g));
        } else if (name.contains("gamma")) {
          values[i] = (float) (1.0 + 0.1 * g);
        } else if (name.contains("beta") || name.contains("runningMean")) {
          values[i] = (float) (0.1 * g);
        } else {
          values[i] = (float) (0.2 * g);
        }
      }
      array.set(FloatBuffer.wrap(values));
    }
  }

  /** The fixed input batch [BATCH, LENGTH, EMBEDDING]. */
  static float[] inputValues() {
    Random random = new Random(SEED + 1);
    float[] values = new float[BATCH * LENGTH * EMBEDDING];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  static NDArray input(NDManager manager) {
    return manager.create(inputValues(), new Shape(BATCH, LENGTH, EMBEDDING));
  }

  static String digest(float[] values) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (float v : values) {
      int bits = Float.floatToRawIntBits(v);
      sha.update(
          new byte[] {
            (byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits
          });
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
