package io.headwatch.collector.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.headwatch.collector.verdict.InputFact;
import io.headwatch.collector.verdict.InputVerdict;
import io.headwatch.collector.verdict.Kind;
import io.headwatch.collector.verdict.Site;
import io.headwatch.collector.verdict.Status;
import io.headwatch.collector.verdict.Suspect;
import io.headwatch.collector.verdict.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictJsonTest {
  private static Verdict sample() {
    return new Verdict(
        Status.SCORED,
        true,
        Kind.MODEL,
        0.0,
        Verdict.MAX_SCORE,
        0.001,
        1999,
        List.of(
            new Suspect(
                3,
                -1,
                Site.HIDDEN_STATE,
                "nonfinite",
                384,
                0,
                Double.POSITIVE_INFINITY,
                Double.POSITIVE_INFINITY),
            new Suspect(2, 5, Site.ATTENTION, "entropy", 0.97, 0.41, 23.4, 8.5)),
        new InputVerdict(
            false,
            true,
            List.of(
                new InputFact(InputFact.TOKENS, 11, 15, 0.47, false),
                new InputFact(
                    InputFact.FIRST_LAYER_BREADTH, 0.25, Double.NaN, Double.NaN, false))));
  }

  @Test
  void theApiShapeNamesEveryField() {
    JsonObject o = VerdictJson.write(sample());
    assertEquals("scored", o.get("status").getAsString());
    assertEquals("model", o.get("kind").getAsString());
    assertEquals(16.0, o.get("score").getAsDouble());
    JsonObject nonFinite = o.getAsJsonArray("suspects").get(0).getAsJsonObject();
    assertTrue(nonFinite.get("head").isJsonNull());
    assertEquals("hidden_state", nonFinite.get("site").getAsString());
    assertTrue(nonFinite.get("deviation").isJsonNull(), "JSON has no infinity");
    assertTrue(nonFinite.get("nonfinite").getAsBoolean());
    JsonObject fact = o.getAsJsonObject("input").getAsJsonArray("facts").get(1).getAsJsonObject();
    assertTrue(fact.get("expected").isJsonNull());
  }

  @Test
  void readsBackWhatItWrites() {
    Verdict back = VerdictJson.read(VerdictJson.write(sample()));
    assertEquals(sample(), back);
  }
}
