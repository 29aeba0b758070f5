package io.headwatch.e2e;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

/**
 * An ordinary ONNX Runtime application, started in a child JVM by the tests: it runs
 * all-MiniLM-L6-v2 once on a fixed, padded batch of two sequences and prints a digest of the output
 * bits. It uses its own (older) OpenTelemetry API, as real applications do.
 */
public final class FixedInputApp {
  /** Sequence 0 has 9 tokens; sequence 1 has 5, then 4 padding positions. */
  static final long[][] INPUT_IDS = {
      {101, 2129, 2079, 1045, 2131, 2026, 2769, 2067, 102},
      {101, 7592, 2088, 999, 102, 0, 0, 0, 0}};
  static final long[][] ATTENTION_MASK = {
      {1, 1, 1, 1, 1, 1, 1, 1, 1},
      {1, 1, 1, 1, 1, 0, 0, 0, 0}};

  public static void main(String[] args) throws Exception {
    Span appSpan = GlobalOpenTelemetry.getTracer("fixed-input-app").spanBuilder("app-work").startSpan();
    try (Scope ignored = appSpan.makeCurrent()) {
      System.out.println("app opentelemetry-api: "
          + GlobalOpenTelemetry.class.getProtectionDomain().getCodeSource().getLocation().getPath()
              .replaceAll(".*/", ""));
      byte[] model;
      try (InputStream in = FixedInputApp.class.getClassLoader()
          .getResourceAsStream("all-minilm-l6-v2.onnx")) {
        model = in.readAllBytes();
      }
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
        System.out.println("outputs: " + session.getOutputNames());
        try (OnnxTensor ids = tensor(env, INPUT_IDS);
            OnnxTensor mask = tensor(env, ATTENTION_MASK);
            OnnxTensor types = tensor(env, new long[2][INPUT_IDS[0].length]);
            OrtSession.Result result = session.run(
                Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
          System.out.println("result size: " + result.size());
          FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
          System.out.println("last_hidden_state sha256: " + digest(hidden));
        }
        // A failing call must fail exactly as it does without the agent.
        try (OnnxTensor ids = tensor(env, INPUT_IDS)) {
          session.run(Map.of("no_such_input", ids));
          System.out.println("unexpected: no exception");
        } catch (OrtException e) {
          System.out.println("exception: " + e.getClass().getName() + ": " + e.getMessage());
        }
      }
    } finally {
      appSpan.end();
    }
  }

  static OnnxTensor tensor(OrtEnvironment env, long[][] values) throws OrtException {
    int rows = values.length;
    int cols = values[0].length;
    LongBuffer buffer = LongBuffer.allocate(rows * cols);
    for (long[] row : values) {
      buffer.put(row);
    }
    buffer.flip();
    return OnnxTensor.createTensor(env, buffer, new long[] {rows, cols});
  }

  private static String digest(FloatBuffer values) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    while (values.hasRemaining()) {
      int bits = Float.floatToRawIntBits(values.get());
      sha.update(new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits});
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
