package com.example.intentrouter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.modality.Classifications;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The router with the real model, offline. Pins what the README shows: inputs it gets right, and
 * inputs it gets wrong (with how confident it is about them).
 */
class IntentRouterTest {
  private static IntentRouter router;

  @BeforeAll
  static void load() throws Exception {
    router = IntentRouter.load();
  }

  @AfterAll
  static void close() {
    router.close();
  }

  private static Classifications.Classification best(String message) throws Exception {
    return router.route(message).best();
  }

  @Test
  void learnsEightIntentsFromTheShippedExamples() throws Exception {
    assertEquals(
        List.of(
            "refund",
            "delivery",
            "account_access",
            "cancel_subscription",
            "billing",
            "damaged_item",
            "change_address",
            "human_agent"),
        router.intents());
    assertEquals(64, router.examples());
    Classifications c = router.route("I want a refund");
    double sum = c.getProbabilities().stream().mapToDouble(Double::doubleValue).sum();
    assertEquals(1.0, sum, 1e-9);
  }

  @Test
  void routesPlainMessagesRightAndConfidently() throws Exception {
    String[][] cases = {
      {"I still haven't received my order", "delivery"},
      {"please give me my money back", "refund"},
      {"how do I reset my password", "account_access"},
      {"I'd like to stop paying for the premium plan", "cancel_subscription"},
      {"you billed me twice this month", "billing"},
      {"my headphones stopped working after a week", "damaged_item"},
      {"please ship it to my new address", "change_address"},
      {"get me a human", "human_agent"}
    };
    for (String[] c : cases) {
      Classifications.Classification best = best(c[0]);
      assertEquals(c[1], best.getClassName(), c[0]);
      assertTrue(best.getProbability() > 0.8, c[0] + ": " + best.getProbability());
    }
  }

  @Test
  void getsTheseWrongAsTheReadmeSays() throws Exception {
    // Negation: similarity does not read "not".
    Classifications.Classification negated = best("I do not want a refund, I want a replacement");
    assertEquals("refund", negated.getClassName());
    assertTrue(negated.getProbability() > 0.9, "confidently wrong");
    // A damaged delivery reads as a delivery problem.
    assertEquals("delivery", best("my parcel arrived but the box was empty").getClassName());
    // No intent fits: the router still answers, but with a low confidence.
    Classifications.Classification praise = best("I am very happy with your service, thanks!");
    assertTrue(praise.getProbability() < 0.5, "low confidence " + praise.getProbability());
    assertTrue(best("asdfgh qwerty").getProbability() < 0.5);
  }
}
