package io.headwatch.e2e;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
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
 * bits. It uses its own (older) OpenTelemetry API, as real applications do, and runs the model
 * inside a request's trace (the span context a traceparent header would give).
 */
public final class FixedInputApp {

  /**
   * The trace of the request this work belongs to, as an incoming traceparent header would set it.
   */
  static final String REQUEST_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e474e";

  static final String REQUEST_SPAN_ID = "00f067aa0ba902b7";

  public static void main(String[] args) throws Exception {
    // Not sampled, on purpose: the agent keeps its records whatever the application samples.
    SpanContext request =
        SpanContext.createFromRemoteParent(
            REQUEST_TRACE_ID, REQUEST_SPAN_ID, TraceFlags.getDefault(), TraceState.getDefault());
    Span appSpan =
        GlobalOpenTelemetry.getTracer("fixed-input-app")
            .spanBuilder("app-work")
            .setParent(Context.root().with(Span.wrap(request)))
            .startSpan();
    try (Scope ignored = Span.wrap(request).makeCurrent()) {
      System.out.println(
          "app opentelemetry-api: "
              + GlobalOpenTelemetry.class
                  .getProtectionDomain()
                  .getCodeSource()
                  .getLocation()
                  .getPath()
                  .replaceAll(".*/", ""));
      byte[] model;
      try (InputStream in =
          FixedInputApp.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
        model = in.readAllBytes();
      }
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
        System.out.println("outputs: " + session.getOutputNames());
        try (OnnxTensor ids = tensor(env, FixedInputs.INPUT_IDS);
            OnnxTensor mask = tensor(env, FixedInputs.ATTENTION_MASK);
            OnnxTensor types = tensor(env, new long[2][FixedInputs.INPUT_IDS[0].length]);
            OrtSession.Result result =
                session.run(
                    Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
          System.out.println("result size: " + result.size());
          FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
          System.out.println("last_hidden_state sha256: " + digest(hidden));
        }
        // A failing call must fail exactly as it does without the agent.
        try (OnnxTensor ids = tensor(env, FixedInputs.INPUT_IDS)) {
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
      sha.update(
          new byte[] {
            (byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits
          });
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
