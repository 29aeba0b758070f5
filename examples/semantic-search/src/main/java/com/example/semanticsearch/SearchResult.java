package com.example.semanticsearch;

/**
 * One ranked hit.
 *
 * @param rank 1-based position in the result list
 * @param score cosine similarity between the query and the sentence
 * @param id the sentence id (its line number in the corpus)
 * @param text the sentence
 */
public record SearchResult(int rank, double score, int id, String text) {}
