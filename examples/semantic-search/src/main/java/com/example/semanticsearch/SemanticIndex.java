package com.example.semanticsearch;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory vector index: every corpus sentence is embedded once, up front, and queries are
 * ranked against all of them by cosine similarity.
 *
 * <p>Instances are immutable after construction and safe to share between threads.
 */
public final class SemanticIndex {

  private final EmbeddingModel model;
  private final List<Document> documents;
  private final float[][] vectors;
  private final double[] norms;
  private final long buildMillis;

  private SemanticIndex(
      EmbeddingModel model, List<Document> documents, float[][] vectors, long buildMillis) {
    this.model = model;
    this.documents = documents;
    this.vectors = vectors;
    this.norms = new double[vectors.length];
    for (int i = 0; i < vectors.length; i++) {
      norms[i] = norm(vectors[i]);
    }
    this.buildMillis = buildMillis;
  }

  /** Embeds all {@code documents} with a single {@code embedAll} call and returns the index. */
  public static SemanticIndex build(EmbeddingModel model, List<Document> documents) {
    Objects.requireNonNull(model, "model");
    if (documents == null || documents.isEmpty()) {
      throw new IllegalArgumentException("the corpus is empty");
    }
    List<Document> docs = List.copyOf(documents);
    List<TextSegment> segments = new ArrayList<>(docs.size());
    for (Document d : docs) {
      segments.add(TextSegment.from(d.text()));
    }
    long start = System.nanoTime();
    List<Embedding> embeddings = model.embedAll(segments).content();
    long millis = (System.nanoTime() - start) / 1_000_000L;
    if (embeddings.size() != docs.size()) {
      throw new IllegalStateException(
          "model returned " + embeddings.size() + " embeddings for " + docs.size() + " sentences");
    }
    float[][] vectors = new float[docs.size()][];
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] = embeddings.get(i).vector().clone();
    }
    return new SemanticIndex(model, docs, vectors, millis);
  }

  /** Number of indexed sentences. */
  public int size() {
    return documents.size();
  }

  /** The indexed sentences, in corpus order. */
  public List<Document> documents() {
    return documents;
  }

  /** Wall-clock time the initial {@code embedAll} call took, in milliseconds. */
  public long buildMillis() {
    return buildMillis;
  }

  /**
   * Returns the {@code k} sentences most similar to {@code query} (fewer if the corpus is smaller),
   * best first. Equal scores are ordered by ascending id.
   */
  public List<SearchResult> search(String query, int k) {
    Objects.requireNonNull(query, "query");
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    float[] q = model.embed(query).content().vector();
    double qNorm = norm(q);

    List<Scored> scored = new ArrayList<>(documents.size());
    for (int i = 0; i < vectors.length; i++) {
      scored.add(new Scored(cosine(q, qNorm, vectors[i], norms[i]), documents.get(i)));
    }
    scored.sort(RANKING);

    int n = Math.min(k, scored.size());
    List<SearchResult> results = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Scored s = scored.get(i);
      results.add(new SearchResult(i + 1, s.score, s.document.id(), s.document.text()));
    }
    return List.copyOf(results);
  }

  /** Highest score first; ties broken by ascending id so the order is deterministic. */
  private static final Comparator<Scored> RANKING =
      (a, b) -> {
        int byScore = Double.compare(b.score, a.score);
        return byScore != 0 ? byScore : Integer.compare(a.document.id(), b.document.id());
      };

  private record Scored(double score, Document document) {}

  /**
   * Cosine similarity of two vectors, computed in double precision. Returns 0 when either vector
   * has zero length.
   */
  public static double cosine(float[] a, float[] b) {
    return cosine(a, norm(a), b, norm(b));
  }

  private static double cosine(float[] a, double normA, float[] b, double normB) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("dimension mismatch: " + a.length + " vs " + b.length);
    }
    if (normA == 0.0 || normB == 0.0) {
      return 0.0;
    }
    double dot = 0.0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * (double) b[i];
    }
    return dot / (normA * normB);
  }

  private static double norm(float[] v) {
    double sum = 0.0;
    for (float x : v) {
      sum += (double) x * (double) x;
    }
    return Math.sqrt(sum);
  }
}
