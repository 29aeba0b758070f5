package io.headwatch.collector.store;

/**
 * What a stored attention map is, without its body: enough for a page to know that a sequence of a
 * prediction has a map, how many tokens it covers, and how it was encoded.
 *
 * @param topK entries kept per row with {@code topk_u8}; 0 with {@code u8}
 * @param bytes the body's bytes, as charged to the prediction
 */
public record AttentionMapInfo(
    int batchIndex, int tokens, String encoding, int topK, String reason, long bytes) {}
