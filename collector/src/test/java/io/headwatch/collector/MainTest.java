package io.headwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The command line: a bad setting is one clear line on stderr and exit code 2. */
class MainTest {
  private record Result(int exit, String out, String err) {}

  private static Result run(String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("HEADWATCH_COLLECTOR_"));
    pb.environment().put("HEADWATCH_COLLECTOR_MAX_SERIES", "lots");
    Process p = pb.start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Result(
        p.exitValue(),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void badSettingExitsWith2AndOneLine() throws Exception {
    Result r = run("--otlp-port", "abc");
    assertEquals(2, r.exit());
    assertEquals(
        "headwatch-collector: invalid setting otlp-port (from --otlp-port): 'abc'; expected"
            + " a TCP port 0-65535 (0 = any free port)\n",
        r.err());
    // Flags are checked first, then the environment (set to a bad value in run()).
    r = run("--otlp-port", "0", "--http-port", "0");
    assertEquals(2, r.exit());
    assertTrue(
        r.err()
            .startsWith(
                "headwatch-collector: invalid setting max-series (from HEADWATCH_COLLECTOR_MAX_SERIES): 'lots'"),
        r.err());
  }

  @Test
  void helpListsEverySetting() throws Exception {
    Result r = run("--help");
    assertEquals(0, r.exit());
    assertTrue(r.out().contains("--retention-bytes"), r.out());
    assertTrue(r.out().contains("HEADWATCH_COLLECTOR_FORWARD_ENDPOINT"), r.out());
  }
}
