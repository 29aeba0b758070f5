package com.example.semanticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CorpusTest {

  @Test
  void bundledCorpusHasAtLeast300DistinctNonEmptySentences() {
    List<Document> docs = Corpus.loadDefault();
    Set<String> distinct = new HashSet<>();
    Set<Integer> ids = new HashSet<>();
    for (Document d : docs) {
      assertFalse(d.text().isBlank(), "blank sentence with id " + d.id());
      assertFalse(d.text().contains("\t"), "tab in sentence " + d.id());
      distinct.add(d.text());
      ids.add(d.id());
    }
    assertTrue(distinct.size() >= 300, "only " + distinct.size() + " distinct sentences");
    assertEquals(docs.size(), distinct.size(), "the corpus contains duplicate sentences");
    assertEquals(docs.size(), ids.size(), "ids are not unique");
  }

  @Test
  void idsAreOneBasedLineNumbersAndBlankLinesAreSkipped() throws IOException {
    List<Document> docs = Corpus.parse(new StringReader("first line\n\n  third line  \r\n\nfifth"));
    assertEquals(
        List.of(
            new Document(1, "first line"), new Document(3, "third line"), new Document(5, "fifth")),
        docs);
  }
}
