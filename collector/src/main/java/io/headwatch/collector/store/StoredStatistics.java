package io.headwatch.collector.store;

import com.google.gson.JsonObject;

/** A snapshot's statistics as stored, for refilling baselines after a restart. */
public record StoredStatistics(String model, int layers, int heads, JsonObject statistics) {}
