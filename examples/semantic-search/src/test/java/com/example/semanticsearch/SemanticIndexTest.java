package com.example.semanticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SemanticIndexTest {

  private static SemanticIndex index;

  @BeforeAll
  static void buildIndex() {
    index = SharedIndex.get();
  }

  private static int idOf(String sentenceStart) {
    return index.documents().stream()
        .filter(d -> d.text().startsWith(sentenceStart))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sentence starts with: " + sentenceStart))
        .id();
  }

  @Test
  void paraphraseOfTheRefundSentenceRanksItFirst() {
    int refund = idOf("To get a refund, open Order History");
    List<SearchResult> results =
        index.search(
            "I want my money back for something I bought, how do I return the payment?", 5);
    assertEquals(refund, results.get(0).id(), () -> "unexpected ranking: " + results);
  }

  @Test
  void queriesAboutOtherTopicsFindTheirSentence() {
    assertEquals(
        idOf("Enable two-factor authentication"),
        index
            .search("how can I keep my account safe if a hacker steals my password", 1)
            .get(0)
            .id());
    assertEquals(
        idOf("The sky looks blue because"),
        index
            .search(
                "air molecules scatter short wavelengths of sunlight, which colours the daytime sky",
                1)
            .get(0)
            .id());
  }

  @Test
  void resultsAreRankedBestFirstWithRanksFromOne() {
    List<SearchResult> results = index.search("parcel tracking", 10);
    assertEquals(10, results.size());
    for (int i = 0; i < results.size(); i++) {
      SearchResult r = results.get(i);
      assertEquals(i + 1, r.rank());
      assertTrue(
          r.score() >= -1.0000001 && r.score() <= 1.0000001, "score out of range: " + r.score());
      if (i > 0) {
        SearchResult prev = results.get(i - 1);
        assertTrue(
            prev.score() > r.score() || (prev.score() == r.score() && prev.id() < r.id()),
            "not ordered: " + prev + " then " + r);
      }
    }
  }

  @Test
  void searchIsDeterministicAndKIsCappedAtCorpusSize() {
    assertEquals(index.search("weekend trip packing", 7), index.search("weekend trip packing", 7));
    assertEquals(index.size(), index.search("anything", 100_000).size());
  }

  @Test
  void anIndexedSentenceIsItsOwnBestMatch() {
    Document d = index.documents().get(42);
    SearchResult top = index.search(d.text(), 1).get(0);
    assertEquals(d.id(), top.id());
    assertEquals(1.0, top.score(), 1e-5);
  }

  @Test
  void cosineIsComputedProperlyForUnnormalisedVectors() {
    assertEquals(1.0, SemanticIndex.cosine(new float[] {1, 2, 3}, new float[] {2, 4, 6}), 1e-12);
    assertEquals(0.0, SemanticIndex.cosine(new float[] {1, 0}, new float[] {0, 5}), 1e-12);
    assertEquals(-1.0, SemanticIndex.cosine(new float[] {3, 4}, new float[] {-6, -8}), 1e-12);
    assertEquals(0.0, SemanticIndex.cosine(new float[] {0, 0}, new float[] {1, 1}), 0.0);
  }
}
