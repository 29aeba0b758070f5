package io.headwatch.e2e;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * An ONNX Runtime application, started in a child JVM by {@link NoAttentionModelIT}: it loads a
 * tiny model without attention (y = Relu(x) + Relu(x)) from the bytes of the file named by its
 * argument, runs it 20 times on fixed inputs and prints every output value.
 */
public final class NoAttentionApp {
  static final int RUNS = 20;

  /** The input of run {@code i}: shape [1, 4], negative and positive values. */
  static float[] input(int i) {
    return new float[] {i - 10.5f, -0.5f * (i + 1), 0.25f * i, 1.5f + i};
  }

  public static void main(String[] args) throws Exception {
    byte[] model = Files.readAllBytes(Path.of(args[0]));
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(model, options)) {
      System.out.println("inputs: " + session.getInputNames());
      System.out.println("outputs: " + session.getOutputNames());
      for (int i = 0; i < RUNS; i++) {
        try (OnnxTensor x =
                OnnxTensor.createTensor(env, FloatBuffer.wrap(input(i)), new long[] {1, 4});
            OrtSession.Result result = session.run(Map.of("x", x))) {
          FloatBuffer y = ((OnnxTensor) result.get(0)).getFloatBuffer();
          StringBuilder line = new StringBuilder("run " + i + ":");
          while (y.hasRemaining()) {
            line.append(' ').append(Float.toString(y.get()));
          }
          System.out.println(line);
        }
      }
    }
  }
}
