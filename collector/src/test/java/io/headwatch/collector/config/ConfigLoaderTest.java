package io.headwatch.collector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @Test
  void defaults() throws Exception {
    CollectorConfig c = ConfigLoader.load(new String[0], Map.of());
    assertEquals("127.0.0.1", c.host());
    assertEquals(4318, c.otlpPort());
    assertEquals(9464, c.httpPort());
    assertEquals(Path.of("./headwatch-data"), c.dataDir());
    assertEquals(Duration.ofDays(7), c.retentionAge());
    assertEquals(1L << 30, c.retentionBytes());
    assertEquals(16L << 20, c.maxBodyBytes());
    assertEquals(Duration.ofMinutes(5), c.seriesTtl());
    assertEquals(500, c.baselineWindow());
    assertTrue(c.forwardEndpoint().isEmpty());
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.properties");
    Files.writeString(file, "otlp-port=1111\nhttp-port=2222\nretention-age=30m\n");
    CollectorConfig c =
        ConfigLoader.load(
            new String[] {
              "--config", file.toString(), "--otlp-port", "3333", "--max-body-bytes=4MiB"
            },
            Map.of(
                "HEADWATCH_COLLECTOR_OTLP_PORT", "4444", "HEADWATCH_COLLECTOR_HTTP_PORT", "5555"));
    assertEquals(3333, c.otlpPort());
    assertEquals(5555, c.httpPort());
    assertEquals(Duration.ofMinutes(30), c.retentionAge());
    assertEquals(4L << 20, c.maxBodyBytes());
  }

  @Test
  void verdictSettingsAreCheckedTogether() throws Exception {
    CollectorConfig c = ConfigLoader.load(new String[0], Map.of());
    assertEquals(0.001, c.verdictThreshold());
    assertEquals(2000, c.verdictWindow());
    assertEquals(Duration.ofMinutes(15), c.baselineNow());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(new String[] {"--verdict-threshold", "0.7"}, Map.of()));
    assertTrue(e.getMessage().contains("verdict-threshold") && e.getMessage().contains("'0.7'"));
    e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    new String[] {"--verdict-window", "150", "--verdict-min", "200"}, Map.of()));
    assertEquals(
        "invalid setting verdict-window: 150; expected at least verdict-min (200)", e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(new String[] {"--verdict-min", "50"}, Map.of()));
    assertTrue(e.getMessage().startsWith("invalid setting verdict-min: 50"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(new String[] {"--verdict-bytes", "1MiB"}, Map.of()));
    assertTrue(e.getMessage().contains("verdict-model-bytes"), e.getMessage());
  }

  @Test
  void errorsNameTheSettingTheValueAndWhatIsExpected() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(new String[] {"--retention-age", "soon"}, Map.of()));
    assertEquals(
        "invalid setting retention-age (from --retention-age): 'soon'; expected a duration"
            + " such as 90s, 30m, 24h, 7d",
        e.getMessage());

    e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.load(new String[0], Map.of("HEADWATCH_COLLECTOR_HTTP_PORT", "70000")));
    assertTrue(
        e.getMessage()
            .startsWith(
                "invalid setting http-port (from HEADWATCH_COLLECTOR_HTTP_PORT): '70000'; expected a TCP port"),
        e.getMessage());

    e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(new String[] {"--forward-endpoint", "ftp://x"}, Map.of()));
    assertTrue(e.getMessage().contains("forward-endpoint"), e.getMessage());

    e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(new String[] {"--no-such", "1"}, Map.of()));
    assertTrue(e.getMessage().startsWith("unknown setting --no-such"), e.getMessage());

    e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    new String[] {"--config", "/nonexistent/x.properties"}, Map.of()));
    assertTrue(
        e.getMessage().startsWith("invalid setting config (from --config): '/nonexistent"),
        e.getMessage());
  }

  @Test
  void sizesAndDurations() {
    assertEquals(1536L, ValueParsers.bytes("1536"));
    assertEquals(10_000_000L, ValueParsers.bytes("10MB"));
    assertEquals(Duration.ofMillis(250), ValueParsers.duration("250ms"));
    assertEquals(Duration.ofSeconds(90), ValueParsers.duration("PT90S"));
    assertEquals(null, ValueParsers.duration("0s"));
    assertEquals(null, ValueParsers.bytes("-1"));
  }

  @Test
  void beyondLoopbackBothTokensAreRequiredUnlessAllowed() throws Exception {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(new String[] {"--host", "0.0.0.0"}, Map.of()));
    assertTrue(e.getMessage().startsWith("refusing to listen on 0.0.0.0"), e.getMessage());
    assertTrue(e.getMessage().contains("--allow-unauthenticated true"), e.getMessage());
    assertThrows(
        ConfigException.class,
        () ->
            ConfigLoader.load(
                new String[] {"--host", "0.0.0.0"},
                Map.of("HEADWATCH_COLLECTOR_INGEST_TOKEN", "0123456789abcdef")));
    CollectorConfig both =
        ConfigLoader.load(
            new String[] {"--host", "0.0.0.0"},
            Map.of(
                "HEADWATCH_COLLECTOR_INGEST_TOKEN", "0123456789abcdef",
                "HEADWATCH_COLLECTOR_API_TOKEN", "fedcba9876543210"));
    assertEquals("0123456789abcdef", both.ingestToken());
    CollectorConfig allowed =
        ConfigLoader.load(
            new String[] {"--host", "0.0.0.0", "--allow-unauthenticated", "true"}, Map.of());
    assertTrue(allowed.allowUnauthenticated());
    // Loopback needs no token: the default set-up works as before.
    assertEquals("", ConfigLoader.load(new String[] {"--host", "localhost"}, Map.of()).apiToken());
  }

  @Test
  void aBadTokenIsRefusedWithoutPrintingIt() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(new String[] {"--api-token", "short secret"}, Map.of()));
    assertTrue(e.getMessage().contains("(hidden, 12 characters)"), e.getMessage());
    assertTrue(!e.getMessage().contains("short secret"), e.getMessage());
  }
}
