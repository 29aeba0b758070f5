package io.headwatch.agent.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.headwatch.agent.HeadwatchAgent;
import io.headwatch.agent.config.HeadwatchConfig;
import io.headwatch.agent.config.Setting;
import io.headwatch.agent.export.AgentTelemetry;
import io.headwatch.agent.export.TelemetryNames;
import io.headwatch.agent.runtime.AgentRuntime;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ONNX Runtime hooks in this JVM, on the real all-MiniLM-L6-v2: the agent is installed with
 * {@code ByteBuddyAgent.install()} and in-memory OpenTelemetry exporters, so a change to the hooks
 * is tested in seconds. The reference outputs are computed before the agent is installed; with it,
 * every call's outputs must be the same bits, every sampled call must be captured (first re-run
 * while the capture session is verified, then served), and a failing call must fail the same way.
 */
class OnnxRuntimeInProcessTest {
  private static final long[][] INPUTS = {
    {101, 7592, 2088, 102},
    {101, 2129, 2079, 1045, 2131, 2026, 2769, 2067, 102},
    {101, 1996, 3899, 2038, 2025, 3369, 2664, 1010, 2054, 2064, 1045, 2079, 1029, 102},
    {101, 2054, 3084, 1996, 3712, 2630, 102},
    {101, 1045, 2066, 2009, 102},
    {101, 3246, 2017, 2031, 1037, 2204, 2154, 1010, 2009, 2001, 2307, 2000, 2156, 2017, 102},
    {101, 2023, 2003, 1037, 3231, 102},
    {101, 2748, 2024, 2017, 1029, 102}
  };
  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  private static final InMemoryLogRecordExporter LOGS = InMemoryLogRecordExporter.create();
  private static final InMemoryMetricReader METRICS = InMemoryMetricReader.create();
  private static byte[] model;
  private static final List<String> REFERENCE = new ArrayList<>();
  private static String referenceError;

  @BeforeAll
  static void referenceThenInstall() throws Exception {
    try (InputStream in =
        OnnxRuntimeInProcessTest.class
            .getClassLoader()
            .getResourceAsStream("all-minilm-l6-v2.onnx")) {
      model = in.readAllBytes();
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
      for (long[] ids : INPUTS) {
        REFERENCE.add(run(env, session, ids));
      }
      referenceError = failingRun(env, session);
    }
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(SPANS))
                    .build())
            .setLoggerProvider(
                SdkLoggerProvider.builder()
                    .addLogRecordProcessor(SimpleLogRecordProcessor.create(LOGS))
                    .build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(METRICS).build())
            .build();
    HeadwatchConfig config =
        HeadwatchConfig.of(
            Map.of(
                Setting.SAMPLING_RATE, "1.0",
                Setting.OVERHEAD_BUDGET, "none",
                Setting.QUEUE_CAPACITY, "1000",
                Setting.MODEL_NAME, "minilm",
                Setting.ONNX_VERIFY_INFERENCES, "3",
                Setting.ONNX_SPOT_CHECK_EVERY, "2",
                Setting.MAPS_ALL, "true",
                Setting.MAPS_MAX_BYTES_PER_MINUTE, "1073741824"));
    HeadwatchAgent.install(config, ByteBuddyAgent.install(), () -> AgentTelemetry.of(sdk));
  }

  @BeforeEach
  void forgetEarlierTelemetry() throws Exception {
    assertTrue(AgentRuntime.current().pipeline().awaitIdle(120_000));
    SPANS.reset();
    LOGS.reset();
  }

  @Test
  void outputsStayBitIdenticalAndEverySampledCallIsCapturedServedOnceVerified() throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    List<String> seen = new ArrayList<>();
    try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
      ObservedSession observed = OnnxRuntimeHooks.observed(session);
      assertNotNull(observed, "the application's session is observed");
      // Twice over the inputs: the first round verifies, the second is served.
      for (int round = 0; round < 2; round++) {
        for (long[] ids : INPUTS) {
          seen.add(run(env, session, ids));
        }
        assertTrue(AgentRuntime.current().pipeline().awaitIdle(120_000));
      }
      assertEquals(ObservedSession.Mode.SERVING, observed.mode(), "verified, then serving");
      assertEquals(referenceError, failingRun(env, session), "the same exception, served or not");
      // A subset of outputs, with run options: still the application's bits.
      try (OnnxTensor ids = ids(env, INPUTS[1]);
          OnnxTensor mask = mask(env, INPUTS[1]);
          OnnxTensor types = types(env, INPUTS[1]);
          OrtSession.RunOptions options = new OrtSession.RunOptions();
          OrtSession.Result r =
              session.run(
                  Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types),
                  Set.of("last_hidden_state"),
                  options)) {
        assertEquals(REFERENCE.get(1), r.size() + ":" + digest(r));
      }
      assertTrue(AgentRuntime.current().pipeline().awaitIdle(120_000));
    }
    for (int i = 0; i < seen.size(); i++) {
      assertEquals(REFERENCE.get(i % INPUTS.length), seen.get(i), "call " + i);
    }

    List<SpanData> spans = SPANS.getFinishedSpanItems();
    List<LogRecordData> snapshots = new ArrayList<>();
    for (LogRecordData r : LOGS.getFinishedLogRecordItems()) {
      if ("headwatch.snapshot".equals(r.getEventName())) {
        snapshots.add(r);
      }
    }
    int calls = 2 * INPUTS.length + 1 + 1; // + the failing call + the subset call
    assertEquals(calls, spans.size());
    // Every successful call was captured: one snapshot each, with 6 x 12 heads and the tokens.
    assertEquals(calls - 1, snapshots.size());
    for (LogRecordData s : snapshots) {
      assertEquals(TelemetryNames.CAPTURED, s.getAttributes().get(TelemetryNames.CAPTURE_STATUS));
      assertEquals(6L, s.getAttributes().get(TelemetryNames.LAYERS));
      assertEquals(12L, s.getAttributes().get(TelemetryNames.HEADS));
      List<Double> norms =
          s.getAttributes().get(AttributeKey.doubleArrayKey("headwatch.head.output_norm"));
      assertEquals(72, norms.size());
      for (double n : norms) {
        assertTrue(n > 0 && Double.isFinite(n), "per-head output norm " + n);
      }
    }
    for (SpanData span : spans) {
      assertEquals("minilm", span.getAttributes().get(TelemetryNames.MODEL));
    }

    // With maps on for every sequence: one attention_map record per snapshot, one byte per
    // weight of every layer and head over the sequence's tokens, each row summing to about 255.
    List<LogRecordData> maps = new ArrayList<>();
    for (LogRecordData r : LOGS.getFinishedLogRecordItems()) {
      if ("headwatch.attention_map".equals(r.getEventName())) {
        maps.add(r);
      }
    }
    assertEquals(snapshots.size(), maps.size());
    for (LogRecordData m : maps) {
      long n = m.getAttributes().get(AttributeKey.longKey("headwatch.map.tokens"));
      assertEquals("u8", m.getAttributes().get(AttributeKey.stringKey("headwatch.map.encoding")));
      assertEquals(
          "operator", m.getAttributes().get(AttributeKey.stringKey("headwatch.map.reason")));
      java.nio.ByteBuffer body = (java.nio.ByteBuffer) m.getBodyValue().getValue();
      assertEquals(6 * 12 * n * n, body.remaining());
      for (int row = 0; row < 6 * 12 * n; row++) {
        int sum = 0;
        for (int k = 0; k < n; k++) {
          sum += body.get((int) (row * n + k)) & 0xFF;
        }
        assertTrue(Math.abs(sum - 255) <= n, "row " + row + " sums to " + sum + " of 255");
      }
    }
  }

  @Test
  void afterADifferenceSampledCallsAreReRunAndStillCaptured() throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
      ObservedSession observed = OnnxRuntimeHooks.observed(session);
      for (long[] ids : INPUTS) {
        run(env, session, ids);
      }
      assertTrue(AgentRuntime.current().pipeline().awaitIdle(120_000));
      observed.spotChecked(false); // as if a spot check had found different bits
      assertEquals(ObservedSession.Mode.RERUN, observed.mode());
      int before = snapshotCount();
      for (int i = 0; i < INPUTS.length; i++) {
        assertEquals(REFERENCE.get(i), run(env, session, INPUTS[i]));
      }
      assertTrue(AgentRuntime.current().pipeline().awaitIdle(120_000));
      assertEquals(before + INPUTS.length, snapshotCount(), "re-run captures, one per call");
    }
  }

  @Test
  void aSessionClosedBeforeItsCaptureSessionIsPreparedGetsNone() throws Exception {
    CountDownLatch hold = holdSetupThread();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    ObservedSession observed;
    try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
      observed = OnnxRuntimeHooks.observed(session);
      assertNotNull(observed);
      assertEquals(ObservedSession.Mode.PREPARING, observed.mode());
    }
    hold.countDown();
    assertEquals(null, observed.awaitCapture(), "nothing waited for it: not prepared");
    assertEquals(ObservedSession.Mode.UNAVAILABLE, observed.mode());
  }

  /** Holds the set-up thread until the returned latch is counted down. */
  private static CountDownLatch holdSetupThread() throws InterruptedException {
    CountDownLatch hold = new CountDownLatch(1);
    CountDownLatch held = new CountDownLatch(1);
    AgentRuntime.current()
        .setup()
        .submit(
            () -> {
              held.countDown();
              try {
                hold.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    assertTrue(held.await(120, TimeUnit.SECONDS));
    return hold;
  }

  @Test
  void aCaptureQueuedBeforeItsSessionClosedIsStillPreparedAndCaptured() throws Exception {
    // Hold the set-up thread so that the application closes its session before the preparation.
    CountDownLatch hold = holdSetupThread();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    int before = snapshotCount();
    try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
      assertEquals(REFERENCE.get(0), run(env, session, INPUTS[0]));
    }
    hold.countDown();
    assertTrue(AgentRuntime.current().pipeline().awaitIdle(120_000));
    assertEquals(before + 1, snapshotCount(), "the sampled call of the closed session captured");
  }

  private static int snapshotCount() {
    int n = 0;
    for (LogRecordData r : LOGS.getFinishedLogRecordItems()) {
      if ("headwatch.snapshot".equals(r.getEventName())) {
        n++;
      }
    }
    return n;
  }

  private static String run(OrtEnvironment env, OrtSession session, long[] tokenIds)
      throws Exception {
    try (OnnxTensor ids = ids(env, tokenIds);
        OnnxTensor mask = mask(env, tokenIds);
        OnnxTensor types = types(env, tokenIds);
        OrtSession.Result r =
            session.run(
                Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
      return r.size() + ":" + digest(r);
    }
  }

  private static String failingRun(OrtEnvironment env, OrtSession session) throws Exception {
    try (OnnxTensor ids = ids(env, INPUTS[0])) {
      session.run(Map.of("no_such_input", ids)).close();
      return "no exception";
    } catch (OrtException e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }

  private static String digest(OrtSession.Result r) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : r) {
      sha.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      sha.update(((OnnxTensor) e.getValue()).getByteBuffer());
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static OnnxTensor ids(OrtEnvironment env, long[] ids) throws OrtException {
    return OnnxTensor.createTensor(env, new long[][] {ids});
  }

  private static OnnxTensor mask(OrtEnvironment env, long[] ids) throws OrtException {
    long[] mask = new long[ids.length];
    java.util.Arrays.fill(mask, 1);
    return OnnxTensor.createTensor(env, new long[][] {mask});
  }

  private static OnnxTensor types(OrtEnvironment env, long[] ids) throws OrtException {
    return OnnxTensor.createTensor(env, new long[][] {new long[ids.length]});
  }
}
