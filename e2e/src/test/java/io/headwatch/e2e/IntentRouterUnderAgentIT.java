package io.headwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The intent-router example — DJL, its OnnxRuntime engine, the HuggingFace tokenizer and
 * all-MiniLM-L6-v2 — unmodified, under the agent at sampling 1.0 with token capture on: the same
 * predictions; one record per DJL prediction (the ONNX Runtime call inside is not a second record);
 * classifier confidence, token counts, truncation and unknown tokens; per-head statistics for all 6
 * x 12 heads, under the model name the application gave DJL.
 */
class IntentRouterUnderAgentIT {
  private static final String MODEL = "intent-encoder";
  private static final int TRAINING_PREDICTIONS = 4; // 64 examples, 16 per batchPredict
  private static final int EXAMPLES = 64;
  private static final String LONG_MESSAGE =
      "I ordered a blue jacket and a pair of boots three"
          + " weeks ago and ".repeat(1)
          + "the tracking page still says the parcel is being prepared,"
          + " nobody answers my e-mails, the chat bot keeps sending me the same link, my neighbour"
          + " received her order from you in two days, I paid for express shipping which was"
          + " supposed to take two days, I have asked three times already and I am starting to think"
          + " that the parcel was lost somewhere between your warehouse and my town, could you please"
          + " check what happened, tell me where it is right now and when it will finally arrive,"
          + " because I need the jacket for a trip next weekend and I will not be able to buy"
          + " another one in time if it does not arrive before Friday evening at the latest";
  // Token capture is on: the default redaction pattern must keep this address and number out.
  private static final String PERSONAL_MESSAGE =
      "please email ann.lee@example.com or call +44 20 7946 0958 about my refund";
  private static final List<String> MESSAGES =
      List.of(
          "I never got my parcel",
          "refund please",
          "my screen arrived cracked",
          "I do not want a refund, I want a replacement",
          "the app keeps crashing when I open settings",
          "my order ☃☃ never came",
          PERSONAL_MESSAGE,
          LONG_MESSAGE);

  private static ChildJvm withoutAgent;
  private static ChildJvm withAgent;
  private static OtlpReceiver receiver;

  @BeforeAll
  static void runBoth() throws Exception {
    List<String> args =
        new ArrayList<>(List.of("-jar", ChildJvm.requiredProperty("intent-router.jar")));
    for (String message : MESSAGES) {
      args.add("--message");
      args.add(message);
    }
    withoutAgent = ChildJvm.run(DjlChild.jvmArgs(), args, Map.of(), 300);
    receiver = new OtlpReceiver();
    List<String> jvm = new ArrayList<>(DjlChild.jvmArgs());
    jvm.add(
        "-javaagent:"
            + ChildJvm.agentJar()
            + "=sampling.rate=1.0,overhead.budget=none,queue.capacity=1000,snapshot.tokens=true");
    withAgent =
        ChildJvm.run(jvm, args, ChildJvm.otlpEnvironment(receiver, "intent-router-e2e"), 300);
    receiver.close();
  }

  @Test
  void predictionsAreIdenticalWithAndWithoutTheAgent() {
    assertEquals(0, withoutAgent.exitCode, withoutAgent.toString());
    assertEquals(0, withAgent.exitCode, withAgent.toString());
    assertTrue(
        withoutAgent.stdout.contains("message: refund please\n  intent: refund"),
        withoutAgent.stdout);
    assertEquals(withoutAgent.stdout, withAgent.stdout);
    assertTrue(withAgent.stderr.contains("[headwatch] started"), withAgent.stderr);
    assertFalse(withAgent.stderr.contains("[headwatch] WARN"), withAgent.stderr);
    assertTrue(receiver.errors.isEmpty(), receiver.errors.toString());
  }

  @Test
  void onePredictionIsOneRecordUnderTheDjlModelName() {
    List<Span> spans = receiver.spans();
    assertEquals(TRAINING_PREDICTIONS + MESSAGES.size(), spans.size(), "spans " + spans);
    int classification = 0;
    for (Span span : spans) {
      assertEquals(MODEL, OtlpReceiver.attribute(span.getAttributesList(), "gen_ai.request.model"));
      if (span.getName().equals("classification " + MODEL)) {
        classification++;
        assertEquals("1", OtlpReceiver.attribute(span.getAttributesList(), "headwatch.batch_size"));
      } else {
        assertEquals("embeddings " + MODEL, span.getName());
        assertEquals(
            "16", OtlpReceiver.attribute(span.getAttributesList(), "headwatch.batch_size"));
      }
    }
    assertEquals(MESSAGES.size(), classification);
    // Durations: one per prediction, none under the ONNX file's name.
    Map<String, HistogramDataPoint> duration =
        receiver.lastHistogramPoints("gen_ai.client.operation.duration");
    long count = 0;
    for (HistogramDataPoint p : duration.values()) {
      assertEquals(MODEL, OtlpReceiver.attribute(p.getAttributesList(), "gen_ai.request.model"));
      count += p.getCount();
    }
    assertEquals(TRAINING_PREDICTIONS + MESSAGES.size(), count);
    for (NumberDataPoint p : receiver.lastSumPoints("headwatch.agent.inferences").values()) {
      assertEquals(MODEL, OtlpReceiver.attribute(p.getAttributesList(), "gen_ai.request.model"));
    }
  }

  @Test
  void confidenceOfEveryPredictionIsExported() {
    Matcher m =
        Pattern.compile("intent: \\S+ \\(confidence ([0-9.]+); runner-up \\S+ ([0-9.]+)\\)")
            .matcher(withAgent.stdout);
    List<double[]> printed = new ArrayList<>();
    while (m.find()) {
      printed.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
    }
    assertEquals(MESSAGES.size(), printed.size(), withAgent.stdout);
    int i = 0;
    for (Span span : receiver.spans()) {
      if (!span.getName().startsWith("classification")) {
        continue;
      }
      double confidence =
          Double.parseDouble(
              OtlpReceiver.attribute(span.getAttributesList(), "headwatch.output.confidence"));
      double margin =
          Double.parseDouble(
              OtlpReceiver.attribute(span.getAttributesList(), "headwatch.output.margin"));
      double entropy =
          Double.parseDouble(
              OtlpReceiver.attribute(span.getAttributesList(), "headwatch.output.entropy"));
      assertEquals(printed.get(i)[0], confidence, 0.00005, "confidence of message " + i);
      assertEquals(printed.get(i)[0] - printed.get(i)[1], margin, 0.0001, "margin of message " + i);
      assertTrue(entropy >= 0 && entropy <= 1, "normalised entropy " + entropy);
      i++;
    }
    HistogramDataPoint confidence = single("headwatch.inference.output.confidence");
    assertEquals(MESSAGES.size(), confidence.getCount());
    assertEquals(MESSAGES.size(), single("headwatch.inference.output.margin").getCount());
    assertEquals(MESSAGES.size(), single("headwatch.inference.output.entropy").getCount());
    assertTrue(confidence.getMin() > 0.125 && confidence.getMax() <= 1.0);
  }

  @Test
  void tokenCountsTruncationAndUnknownTokens() {
    HistogramDataPoint tokens = single("headwatch.inference.input.tokens");
    assertEquals(EXAMPLES + MESSAGES.size(), tokens.getCount(), "one count per sequence");
    assertEquals(128.0, tokens.getMax(), "the long message is cut at the tokenizer's 128");
    // The shortest input is "refund please": its span and its snapshot's tokens agree on its
    // length.
    Span shortest = classificationSpan(MESSAGES.indexOf("refund please"));
    String shortestTokens =
        OtlpReceiver.attribute(shortest.getAttributesList(), "gen_ai.usage.input_tokens");
    assertEquals(Double.parseDouble(shortestTokens), tokens.getMin());
    List<String> shortestTexts = strings(snapshotOf(shortest), "headwatch.tokens");
    assertEquals(shortestTokens, Integer.toString(shortestTexts.size()), shortestTexts.toString());
    assertEquals("[SEP]", shortestTexts.get(shortestTexts.size() - 1));
    NumberDataPoint truncated =
        receiver.lastSumPoints("headwatch.inference.input.truncated").values().iterator().next();
    assertEquals(1, truncated.getAsInt());
    HistogramDataPoint unknown = single("headwatch.inference.input.unknown_tokens");
    assertEquals(EXAMPLES + MESSAGES.size(), unknown.getCount());
    Span longSpan = classificationSpan(MESSAGES.indexOf(LONG_MESSAGE));
    assertEquals(
        "1", OtlpReceiver.attribute(longSpan.getAttributesList(), "headwatch.input.truncated"));
    assertEquals(
        "128", OtlpReceiver.attribute(longSpan.getAttributesList(), "gen_ai.usage.input_tokens"));
    Span snowmen = classificationSpan(MESSAGES.indexOf("my order ☃☃ never came"));
    long unknownInSpan =
        Long.parseLong(
            OtlpReceiver.attribute(snowmen.getAttributesList(), "headwatch.input.unknown_tokens"));
    assertTrue(unknownInSpan >= 1, "unknown tokens " + unknownInSpan);
    assertEquals((double) unknownInSpan, unknown.getMax());
    // With token capture on, the snapshot of that prediction carries its tokens, [UNK] included.
    LogRecord snapshot = snapshotOf(snowmen);
    List<String> texts = strings(snapshot, "headwatch.tokens");
    assertEquals(
        OtlpReceiver.attribute(snowmen.getAttributesList(), "gen_ai.usage.input_tokens"),
        Integer.toString(texts.size()));
    assertEquals("[CLS]", texts.get(0));
    assertEquals(unknownInSpan, texts.stream().filter("[UNK]"::equals).count());
  }

  @Test
  void capturedTokensHaveTheAddressAndNumberRedacted() {
    List<String> texts =
        strings(
            snapshotOf(classificationSpan(MESSAGES.indexOf(PERSONAL_MESSAGE))), "headwatch.tokens");
    String joined = String.join(" ", texts);
    for (String secret : List.of("ann", "lee", "example", "44", "20", "79", "##46", "09", "##58")) {
      assertFalse(texts.contains(secret), secret + " left in " + joined);
    }
    assertFalse(joined.contains("7946"), joined);
    // The words around them stay (WordPiece cuts "refund" into "ref ##und"), so the tokens still
    // show what the message was about.
    for (String kept : List.of("please", "email", "or", "call", "about", "my", "ref", "##und")) {
      assertTrue(texts.contains(kept), kept + " missing from " + joined);
    }
    assertTrue(texts.contains("[REDACTED]"), joined);
    assertEquals("[CLS]", texts.get(0));
  }

  @Test
  void everyHeadOfEveryLayerHasStatisticsUnderTheDjlModelName() {
    double sequences = 0;
    for (NumberDataPoint p : receiver.lastSumPoints("headwatch.attention.sequences").values()) {
      assertEquals(MODEL, OtlpReceiver.attribute(p.getAttributesList(), "gen_ai.request.model"));
      sequences += p.getAsInt();
    }
    for (String name :
        List.of(
            "headwatch.attention.head.entropy",
            "headwatch.attention.head.max_weight",
            "headwatch.attention.head.sink_mass")) {
      Set<String> heads = new HashSet<>();
      for (NumberDataPoint p : receiver.lastSumPoints(name).values()) {
        assertEquals(MODEL, OtlpReceiver.attribute(p.getAttributesList(), "gen_ai.request.model"));
        double mean = p.getAsDouble() / sequences;
        assertTrue(mean >= 0.0 && mean <= 1.0 + 1e-6, name + " mean " + mean);
        heads.add(
            OtlpReceiver.attribute(p.getAttributesList(), "headwatch.layer")
                + "/"
                + OtlpReceiver.attribute(p.getAttributesList(), "headwatch.head"));
      }
      assertEquals(6 * 12, heads.size(), name + " " + heads);
    }
    // One snapshot per prediction (each prediction's first engine call is captured), each
    // pointing at that prediction's span, with 6 x 12 values per statistic.
    Map<String, Span> byId = new HashMap<>();
    for (Span span : receiver.spans()) {
      byId.put(span.getSpanId().toStringUtf8(), span);
    }
    List<LogRecord> snapshots = snapshots();
    assertEquals(TRAINING_PREDICTIONS + MESSAGES.size(), snapshots.size());
    for (LogRecord snapshot : snapshots) {
      Span span = byId.get(snapshot.getSpanId().toStringUtf8());
      assertNotNull(span, "snapshot points at a span");
      // A classification's snapshot carries its classifier output, as its span does.
      assertEquals(
          OtlpReceiver.attribute(span.getAttributesList(), "headwatch.output.confidence"),
          OtlpReceiver.attribute(snapshot.getAttributesList(), "headwatch.output.confidence"));
      assertEquals(
          MODEL, OtlpReceiver.attribute(snapshot.getAttributesList(), "gen_ai.request.model"));
      double[] entropy =
          OtlpReceiver.doubles(snapshot.getAttributesList(), "headwatch.attention.entropy");
      assertEquals(72, entropy.length);
    }
  }

  private static Span classificationSpan(int index) {
    int i = 0;
    for (Span span : receiver.spans()) {
      if (span.getName().startsWith("classification") && i++ == index) {
        return span;
      }
    }
    throw new AssertionError("no classification span " + index);
  }

  private static List<LogRecord> snapshots() {
    List<LogRecord> out = new ArrayList<>();
    for (LogRecord record : receiver.logRecords()) {
      if (record.getEventName().equals("headwatch.snapshot")) {
        out.add(record);
      }
    }
    return out;
  }

  private static LogRecord snapshotOf(Span span) {
    for (LogRecord record : snapshots()) {
      if (record.getSpanId().equals(span.getSpanId())) {
        return record;
      }
    }
    throw new AssertionError("no snapshot for span " + span.getName());
  }

  private static List<String> strings(LogRecord record, String key) {
    AnyValue value = OtlpReceiver.value(record.getAttributesList(), key);
    assertNotNull(value, key);
    List<String> out = new ArrayList<>();
    for (AnyValue v : value.getArrayValue().getValuesList()) {
      out.add(v.getStringValue());
    }
    return out;
  }

  private static HistogramDataPoint single(String name) {
    Map<String, HistogramDataPoint> points = receiver.lastHistogramPoints(name);
    assertEquals(1, points.size(), name + " " + points.keySet());
    HistogramDataPoint p = points.values().iterator().next();
    assertEquals(MODEL, OtlpReceiver.attribute(p.getAttributesList(), "gen_ai.request.model"));
    return p;
  }
}
