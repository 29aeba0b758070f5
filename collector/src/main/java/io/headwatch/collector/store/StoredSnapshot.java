package io.headwatch.collector.store;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;

/**
 * One snapshot of a prediction as stored; maps are raw bytes or doubles, as the agent sent them.
 */
public record StoredSnapshot(
    int batchIndex,
    long timeNanos,
    Long inputTokens,
    int layers,
    int heads,
    JsonObject statistics,
    JsonArray deviations,
    byte[] attentionMapBytes,
    double[] attentionMapDoubles,
    List<String> tokens,
    JsonObject attributes) {}
