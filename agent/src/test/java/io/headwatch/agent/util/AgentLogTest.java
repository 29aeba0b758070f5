package io.headwatch.agent.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AgentLogTest {
  @Test
  void infoOnceSaysARepeatedFactOnceAndTheRestOnlyAtDebugLevel() {
    String key = "observing model agent-log-test: 6 attention layer(s)";
    String out =
        stderrOf(
            () -> {
              AgentLog.infoOnce(key, key);
              AgentLog.infoOnce(key, key);
              AgentLog.infoOnce(key + " (another plan)", key + " (another plan)");
            });
    assertEquals(
        List.of("[headwatch] " + key, "[headwatch] " + key + " (another plan)"), ours(out));

    AgentLog.setDebug(true);
    try {
      String debug = stderrOf(() -> AgentLog.infoOnce(key, key));
      assertEquals(List.of("[headwatch] DEBUG " + key), ours(debug));
    } finally {
      AgentLog.setDebug(false);
    }
  }

  /** This test's lines only: a thread left over from another test may print meanwhile. */
  private static List<String> ours(String out) {
    return out.lines().filter(l -> l.contains("agent-log-test")).collect(Collectors.toList());
  }

  private static String stderrOf(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
