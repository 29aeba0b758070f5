package io.headwatch.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sources, precedence, parsing and the one-line complaints of the agent's settings. */
class HeadwatchConfigTest {
  private PrintStream originalErr;
  private ByteArrayOutputStream err;

  @BeforeEach
  void captureStandardError() {
    originalErr = System.err;
    err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreStandardError() {
    System.setErr(originalErr);
  }

  /** Lines written to standard error since the last call. */
  private List<String> errLines() {
    System.err.flush();
    String text = err.toString(StandardCharsets.UTF_8);
    err.reset();
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\\R")) {
      if (!line.isEmpty()) {
        lines.add(line);
      }
    }
    return lines;
  }

  private static Properties props(String... keyValues) {
    Properties p = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return p;
  }

  private static HeadwatchConfig load(String args, Properties system, Map<String, String> env) {
    return HeadwatchConfig.load(args, system, env);
  }

  @Test
  void defaultsWithNoSettings() {
    HeadwatchConfig c = load(null, new Properties(), Map.of());
    assertTrue(c.enabled());
    assertEquals(0.01, c.samplingRate());
    assertEquals("", c.modelName());
    assertEquals("", c.operationName());
    assertEquals(256, c.queueCapacity());
    assertEquals(4, c.snapshotMaxSequences());
    assertTrue(c.onnxRuntimeEnabled());
    assertEquals(1L << 30, c.onnxMaxModelBytes());
    assertEquals(5000, c.shutdownTimeoutMs());
    assertFalse(c.debug());
    assertEquals(List.of(), errLines());
    load("", new Properties(), Map.of());
    load("  ", new Properties(), Map.of());
    load(",,", new Properties(), Map.of());
    assertEquals(List.of(), errLines());
  }

  @Test
  void agentArgumentBeatsSystemPropertyBeatsEnvironment() {
    Properties system = props("headwatch.sampling.rate", "0.25");
    Map<String, String> env = Map.of("HEADWATCH_SAMPLING_RATE", "0.75");
    assertEquals(0.5, load("sampling.rate=0.5", system, env).samplingRate());
    assertEquals(0.25, load(null, system, env).samplingRate());
    assertEquals(0.75, load(null, new Properties(), env).samplingRate());
    assertEquals(0.5, load("sampling.rate=0.5", new Properties(), env).samplingRate());
    assertEquals(List.of(), errLines());
  }

  @Test
  void precedenceForEveryKindOfSetting() {
    Properties system =
        props(
            "headwatch.queue.capacity",
            "64",
            "headwatch.model.name",
            "from-prop",
            "headwatch.debug",
            "true");
    Map<String, String> env =
        Map.of(
            "HEADWATCH_QUEUE_CAPACITY",
            "128",
            "HEADWATCH_MODEL_NAME",
            "from-env",
            "HEADWATCH_DEBUG",
            "false",
            "HEADWATCH_OPERATION_NAME",
            "from-env-op",
            "HEADWATCH_ENABLED",
            "false");
    HeadwatchConfig c = load("queue.capacity=16,model.name=from-arg", system, env);
    assertEquals(16, c.queueCapacity());
    assertEquals("from-arg", c.modelName());
    assertTrue(c.debug(), "system property over environment");
    assertEquals("from-env-op", c.operationName());
    assertFalse(c.enabled());
    assertEquals(List.of(), errLines());
  }

  @Test
  void headwatchPrefixIsOptionalInAgentArguments() {
    HeadwatchConfig prefixed =
        load("headwatch.sampling.rate=0.5,headwatch.queue.capacity=7", new Properties(), Map.of());
    HeadwatchConfig bare = load("sampling.rate=0.5,queue.capacity=7", new Properties(), Map.of());
    assertEquals(0.5, prefixed.samplingRate());
    assertEquals(7, prefixed.queueCapacity());
    assertEquals(0.5, bare.samplingRate());
    assertEquals(7, bare.queueCapacity());
    HeadwatchConfig spaced =
        load(" sampling.rate = 0.5 , enabled=false ", new Properties(), Map.of());
    assertEquals(0.5, spaced.samplingRate());
    assertFalse(spaced.enabled());
    HeadwatchConfig nested =
        load(
            "instrumentation.onnxruntime.enabled=false,onnx.max_model_bytes=10",
            new Properties(),
            Map.of());
    assertFalse(nested.onnxRuntimeEnabled());
    assertEquals(10, nested.onnxMaxModelBytes());
    assertEquals(List.of(), errLines());
  }

  @Test
  void boundaryValuesAreAccepted() {
    assertEquals(0.0, load("sampling.rate=0", new Properties(), Map.of()).samplingRate());
    assertEquals(1.0, load("sampling.rate=1.0", new Properties(), Map.of()).samplingRate());
    assertEquals(1, load("queue.capacity=1", new Properties(), Map.of()).queueCapacity());
    assertEquals(
        0, load("snapshot.max_sequences=0", new Properties(), Map.of()).snapshotMaxSequences());
    assertTrue(load("enabled=TRUE", new Properties(), Map.of()).enabled());
    assertFalse(load("enabled= False ", new Properties(), Map.of()).enabled());
    assertEquals(List.of(), errLines());
  }

  /** A rejected value: the default, and exactly one line naming the setting, value and source. */
  private void assertRejected(
      Supplier<HeadwatchConfig> load,
      Object expectedDefault,
      java.util.function.Function<HeadwatchConfig, Object> getter,
      String key,
      String value,
      String source) {
    HeadwatchConfig c = load.get();
    assertEquals(expectedDefault, getter.apply(c), key + "=" + value);
    List<String> lines = errLines();
    assertEquals(1, lines.size(), "one line for " + key + "=" + value + ": " + lines);
    String line = lines.get(0);
    assertTrue(line.startsWith("[headwatch]"), line);
    assertTrue(line.contains(key), "names the setting: " + line);
    assertTrue(line.contains(value), "names the value: " + line);
    assertTrue(line.contains(source), "names the source: " + line);
  }

  @Test
  void badSamplingRatesFallBackToTheDefault() {
    for (String bad : new String[] {"abc", "1.5", "-0.1", "NaN", ""}) {
      assertRejected(
          () -> load("sampling.rate=" + bad, new Properties(), Map.of()),
          0.01,
          HeadwatchConfig::samplingRate,
          "headwatch.sampling.rate",
          "'" + bad + "'",
          "agent argument");
    }
  }

  @Test
  void badValueInAnAgentArgumentDoesNotFallThroughToLowerSources() {
    // The documented rule: a value that does not parse gets the default, not the next source.
    assertRejected(
        () -> load("sampling.rate=abc", props("headwatch.sampling.rate", "0.5"), Map.of()),
        0.01,
        HeadwatchConfig::samplingRate,
        "headwatch.sampling.rate",
        "abc",
        "agent argument");
  }

  @Test
  void badValuesFromEachSourceNameTheirSource() {
    assertRejected(
        () -> load(null, props("headwatch.sampling.rate", "1.5"), Map.of()),
        0.01,
        HeadwatchConfig::samplingRate,
        "headwatch.sampling.rate",
        "1.5",
        "system property");
    assertRejected(
        () -> load(null, new Properties(), Map.of("HEADWATCH_SAMPLING_RATE", "-0.1")),
        0.01,
        HeadwatchConfig::samplingRate,
        "headwatch.sampling.rate",
        "-0.1",
        "environment variable HEADWATCH_SAMPLING_RATE");
    assertRejected(
        () -> load(null, new Properties(), Map.of("HEADWATCH_QUEUE_CAPACITY", "0")),
        256,
        HeadwatchConfig::queueCapacity,
        "headwatch.queue.capacity",
        "0",
        "environment variable HEADWATCH_QUEUE_CAPACITY");
  }

  @Test
  void badQueueCapacityFallsBackToTheDefault() {
    for (String bad : new String[] {"0", "-1", "abc", "1.5", "100001"}) {
      assertRejected(
          () -> load("queue.capacity=" + bad, new Properties(), Map.of()),
          256,
          HeadwatchConfig::queueCapacity,
          "headwatch.queue.capacity",
          "'" + bad + "'",
          "agent argument");
    }
  }

  @Test
  void badBooleansFallBackToTheDefault() {
    for (String bad : new String[] {"yes", "1", "on", "tru"}) {
      assertRejected(
          () -> load("enabled=" + bad, new Properties(), Map.of()),
          true,
          HeadwatchConfig::enabled,
          "headwatch.enabled",
          "'" + bad + "'",
          "agent argument");
    }
    assertRejected(
        () -> load(null, props("headwatch.debug", "yes"), Map.of()),
        false,
        HeadwatchConfig::debug,
        "headwatch.debug",
        "yes",
        "system property");
  }

  @Test
  void badNamesFallBackToTheDefault() {
    assertRejected(
        () -> load(null, props("headwatch.model.name", "a\u0007b"), Map.of()),
        "",
        HeadwatchConfig::modelName,
        "headwatch.model.name",
        "='a",
        "system property");
    String tooLong = "m".repeat(129);
    assertRejected(
        () -> load(null, props("headwatch.model.name", tooLong), Map.of()),
        "",
        HeadwatchConfig::modelName,
        "headwatch.model.name",
        tooLong,
        "system property");
    assertEquals(
        "m".repeat(128),
        load(null, props("headwatch.model.name", "m".repeat(128)), Map.of()).modelName());
    assertEquals(List.of(), errLines());
  }

  @Test
  void modelNamesArePairsSeparatedBySemicolonsOrCommas() {
    // In agent arguments pairs are separated by ';' (',' separates the settings there).
    HeadwatchConfig args =
        load(
            "model.names=onnx-24d0e645=intent-encoder;djl-minilm=minilm",
            new Properties(),
            Map.of());
    assertEquals(
        Map.of("onnx-24d0e645", "intent-encoder", "djl-minilm", "minilm"), args.modelNames());
    HeadwatchConfig env =
        load(null, new Properties(), Map.of("HEADWATCH_MODEL_NAMES", " a=b , c.d=e_f ,"));
    assertEquals(Map.of("a", "b", "c.d", "e_f"), env.modelNames());
    assertEquals(Map.of(), load(null, new Properties(), Map.of()).modelNames());
    assertEquals(List.of(), errLines());
    for (String bad : new String[] {"a", "a=", "=b", "a=b c", "a=b;x"}) {
      HeadwatchConfig c = load(null, props("headwatch.model.names", bad), Map.of());
      assertEquals(Map.of(), c.modelNames(), bad);
      List<String> lines = errLines();
      assertEquals(1, lines.size(), lines.toString());
      assertTrue(lines.get(0).contains("headwatch.model.names"), lines.get(0));
      assertTrue(lines.get(0).contains("derived=wanted pairs"), lines.get(0));
    }
  }

  /**
   * A rejected value containing a line break still gives one log line (control characters escaped).
   */
  @Test
  void rejectedValueWithALineBreakStaysOnOneLine() {
    HeadwatchConfig c = load(null, props("headwatch.model.name", "a\nb"), Map.of());
    assertEquals("", c.modelName());
    List<String> lines = errLines();
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("headwatch.model.name"), lines.get(0));
    assertTrue(lines.get(0).contains("system property"), lines.get(0));
    assertTrue(lines.get(0).contains("a\\u000ab"), lines.get(0));
  }

  @Test
  void severalBadValuesGiveOneLineEach() {
    load("sampling.rate=abc,queue.capacity=0,enabled=yes", new Properties(), Map.of());
    List<String> lines = errLines();
    assertEquals(3, lines.size(), lines.toString());
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("headwatch.sampling.rate")), lines.toString());
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("headwatch.queue.capacity")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.contains("headwatch.enabled")), lines.toString());
  }

  @Test
  void unknownAgentArgumentIsLogged() {
    HeadwatchConfig c = load("sampling.rate=0.5,no.such.setting=1", new Properties(), Map.of());
    assertEquals(0.5, c.samplingRate(), "known arguments still apply");
    List<String> lines = errLines();
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("[headwatch] WARN"), lines.get(0));
    assertTrue(lines.get(0).contains("no.such.setting"), lines.get(0));
    // A typo of a known setting is unknown too (and does not set it).
    HeadwatchConfig typo = load("sampling_rate=0.5", new Properties(), Map.of());
    assertEquals(0.01, typo.samplingRate());
    List<String> typoLines = errLines();
    assertEquals(1, typoLines.size(), typoLines.toString());
    assertTrue(typoLines.get(0).contains("sampling_rate"), typoLines.get(0));
  }

  @Test
  void unknownSystemPropertiesAndEnvironmentAreIgnoredSilently() {
    HeadwatchConfig c =
        load(
            null,
            props("headwatch.nope", "1", "other", "x"),
            Map.of("HEADWATCH_NOPE", "1", "PATH", "/bin"));
    assertEquals(0.01, c.samplingRate());
    assertEquals(List.of(), errLines());
  }

  @Test
  void environmentVariableNames() {
    assertEquals("HEADWATCH_SAMPLING_RATE", HeadwatchConfig.envName("headwatch.sampling.rate"));
    assertEquals("HEADWATCH_ENABLED", HeadwatchConfig.envName("headwatch.enabled"));
    assertEquals(
        "HEADWATCH_SNAPSHOT_MAX_SEQUENCES",
        HeadwatchConfig.envName("headwatch.snapshot.max_sequences"));
    assertEquals(
        "HEADWATCH_INSTRUMENTATION_ONNXRUNTIME_ENABLED",
        HeadwatchConfig.envName("headwatch.instrumentation.onnxruntime.enabled"));
  }

  @Test
  void overheadBudgetTakesANumberOrNone() {
    assertEquals(0.02, load(null, new Properties(), Map.of()).overheadBudget());
    assertEquals(
        Double.POSITIVE_INFINITY,
        load("overhead.budget=none", new Properties(), Map.of()).overheadBudget());
    assertEquals(
        Double.POSITIVE_INFINITY,
        load(null, props("headwatch.overhead.budget", "NONE"), Map.of()).overheadBudget());
    assertEquals(0.5, load("overhead.budget=0.5", new Properties(), Map.of()).overheadBudget());
    assertEquals(List.of(), errLines());
    assertEquals(0.02, load("overhead.budget=lots", new Properties(), Map.of()).overheadBudget());
    List<String> lines = errLines();
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(
        lines.get(0).contains("headwatch.overhead.budget='lots'")
            && lines.get(0).contains("or none"),
        lines.get(0));
    assertEquals(
        25.0,
        load("sampling.max_per_second=25", new Properties(), Map.of()).samplingMaxPerSecond());
  }

  @Test
  void everySettingHasADefaultThatParses() {
    assertEquals(30, Setting.values().length);
    for (Setting setting : Setting.values()) {
      String key = setting.key();
      assertTrue(key.startsWith("headwatch."), key);
      assertFalse(setting.description().isBlank(), "description of " + key);
      String defaultValue = setting.defaultValue();
      // Given explicitly through each source, the default must be accepted silently.
      load(key + "=" + defaultValue, new Properties(), Map.of());
      load(null, props(key, defaultValue), Map.of());
      load(null, new Properties(), Map.of(setting.envName(), defaultValue));
      assertEquals(List.of(), errLines(), key + " default '" + defaultValue + "'");
    }
    // And gives the same configuration as no setting at all.
    HeadwatchConfig none = load(null, new Properties(), Map.of());
    Properties all = new Properties();
    for (Setting setting : Setting.values()) {
      all.setProperty(setting.key(), setting.defaultValue());
    }
    HeadwatchConfig explicit = load(null, all, Map.of());
    assertEquals(none.enabled(), explicit.enabled());
    assertEquals(none.samplingRate(), explicit.samplingRate());
    assertEquals(none.modelName(), explicit.modelName());
    assertEquals(none.operationName(), explicit.operationName());
    assertEquals(none.queueCapacity(), explicit.queueCapacity());
    assertEquals(none.snapshotMaxSequences(), explicit.snapshotMaxSequences());
    assertEquals(none.onnxRuntimeEnabled(), explicit.onnxRuntimeEnabled());
    assertEquals(none.onnxMaxModelBytes(), explicit.onnxMaxModelBytes());
    assertEquals(none.shutdownTimeoutMs(), explicit.shutdownTimeoutMs());
    assertEquals(none.debug(), explicit.debug());
    assertEquals(none.djlEnabled(), explicit.djlEnabled());
    assertEquals(none.djlMaxCaptureBytes(), explicit.djlMaxCaptureBytes());
    assertEquals(none.snapshotTokens(), explicit.snapshotTokens());
    assertFalse(none.snapshotTokens(), "token texts are off unless the operator turns them on");
    assertEquals(List.of(), errLines());
  }
}
