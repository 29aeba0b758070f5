package com.example.semanticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CliTest {

  private static String parseError(String... args) {
    return assertThrows(UsageException.class, () -> CliOptions.parse(args)).getMessage();
  }

  @Test
  void validArgumentsAreParsed() throws UsageException {
    CliOptions o =
        CliOptions.parse(new String[] {"--query", "refund please", "--query=--odd", "--top", "3"});
    assertEquals(CliOptions.Mode.SEARCH, o.mode());
    assertEquals(List.of("refund please", "--odd"), o.queries());
    assertEquals(3, o.top());

    CliOptions d = CliOptions.parse(new String[] {"--query", "x"});
    assertEquals(CliOptions.DEFAULT_TOP, d.top());

    CliOptions s = CliOptions.parse(new String[] {"--serve", "--port", "0"});
    assertEquals(CliOptions.Mode.SERVE, s.mode());
    assertEquals("127.0.0.1", s.host());
    assertEquals(0, s.port());
  }

  @Test
  void badArgumentsNameTheFlagAndTheValue() {
    String m = parseError("--query", "x", "--top", "abc");
    assertTrue(m.contains("--top") && m.contains("abc"), m);

    m = parseError("--query", "x", "--top", "0");
    assertTrue(m.contains("--top") && m.contains("'0'"), m);

    m = parseError("--query", "x", "--top", "-4");
    assertTrue(m.contains("--top") && m.contains("-4"), m);

    m = parseError("--serve", "--port", "70000");
    assertTrue(m.contains("--port") && m.contains("70000"), m);

    m = parseError("--query", "x", "--verbose");
    assertTrue(m.contains("--verbose"), m);

    m = parseError("--query");
    assertTrue(m.contains("missing value for --query"), m);

    m = parseError("--query", "--top", "3");
    assertTrue(m.contains("missing value for --query"), m);

    m = parseError("--query", "   ");
    assertTrue(m.contains("--query"), m);

    m = parseError("--serve", "--query", "x");
    assertTrue(m.contains("--query") && m.contains("--serve"), m);

    m = parseError("--query", "x", "--port", "9000");
    assertTrue(m.contains("--port"), m);

    m = parseError();
    assertTrue(m.contains("--query"), m);
  }

  @Test
  void badArgumentsExitWithCode2AndPrintUsage() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        SemanticSearchApp.run(
            new String[] {"--query", "hello", "--top", "many"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(SemanticSearchApp.EXIT_USAGE, code);
    assertEquals("", out.toString(StandardCharsets.UTF_8));
    String[] lines = err.toString(StandardCharsets.UTF_8).split("\\R");
    assertEquals("error: invalid value for --top: 'many' (expected a positive integer)", lines[0]);
    assertTrue(lines[1].startsWith("usage:"), lines[1]);
  }

  @Test
  void helpExitsWithCode0() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        SemanticSearchApp.run(
            new String[] {"--help"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream()));
    assertEquals(SemanticSearchApp.EXIT_OK, code);
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage:"));
  }

  @Test
  void resultsArePrintedAsHeaderThenTabSeparatedLines() {
    SemanticIndex index = SharedIndex.get();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    List<SearchResult> results = index.search("how long does standard shipping take", 3);
    SemanticSearchApp.printResults(out, "how long does standard shipping take", results);

    String[] lines = buf.toString(StandardCharsets.UTF_8).split("\\R");
    assertEquals(4, lines.length);
    assertEquals("query: how long does standard shipping take", lines[0]);
    for (int i = 1; i < lines.length; i++) {
      String[] cols = lines[i].split("\t", -1);
      assertEquals(4, cols.length, lines[i]);
      SearchResult r = results.get(i - 1);
      assertEquals(Integer.toString(i), cols[0]);
      assertEquals(
          r.score(), Double.parseDouble(cols[1]), 0.0, "score must be printed at full precision");
      assertEquals(Double.toString(r.score()), cols[1]);
      assertEquals(Integer.toString(r.id()), cols[2]);
      assertEquals(r.text(), cols[3]);
    }
  }
}
