package io.headwatch.e2e;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A child application for scale tests and benchmarks: runs {@link SyntheticTransformer} (layers and
 * heads from the arguments) on seeded random inputs and prints a digest of every output's bits and
 * the mean latency. Usage: {@code LAYERS HEADS INFERENCES TOKENS}.
 */
public final class SyntheticTransformerApp {
  public static void main(String[] args) throws Exception {
    int layers = Integer.parseInt(args[0]);
    int heads = Integer.parseInt(args[1]);
    int inferences = Integer.parseInt(args[2]);
    int tokens = Integer.parseInt(args[3]);
    int hidden = heads * 2;
    byte[] model = SyntheticTransformer.model(layers, heads, 2, 1);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    SplittableRandom random = new SplittableRandom(3);
    long total = 0;
    try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
      for (int n = 0; n < inferences; n++) {
        float[] x = new float[tokens * hidden];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) random.nextGaussian();
        }
        long[] mask = new long[tokens];
        Arrays.fill(mask, 0, tokens - n % 4, 1); // up to 3 padded positions
        try (OnnxTensor xt =
                OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, tokens, hidden});
            OnnxTensor mt =
                OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, tokens})) {
          long t0 = System.nanoTime();
          try (OrtSession.Result result =
              session.run(Map.of("inputs_embeds", xt, "attention_mask", mt))) {
            total += System.nanoTime() - t0;
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            while (out.hasRemaining()) {
              int bits = Float.floatToRawIntBits(out.get());
              digest.update(
                  new byte[] {
                    (byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits
                  });
            }
          }
        }
      }
    }
    System.out.println("outputs sha256: " + HexFormat.of().formatHex(digest.digest()));
    System.err.println("mean latency ms: " + total / 1e6 / inferences);
  }
}
