package io.headwatch.collector.store;

import io.headwatch.collector.model.Attributes;
import io.headwatch.collector.model.Feedback;
import io.headwatch.collector.model.HeadDeviation;
import io.headwatch.collector.verdict.Verdict;
import java.util.List;

/**
 * One prediction as listed: the span's fields, the snapshot count and the top deviations.
 *
 * @param status the span's status ("ok", "error", "unset"); null before the span arrives
 * @param attributes the span's other scalar attributes
 * @param verdict the gravest verdict of the prediction's snapshots; null when none was judged
 * @param feedback its wrong/right label; null when none was given
 */
public record PredictionSummary(
    long id,
    String traceId,
    String spanId,
    long timeNanos,
    String service,
    String instance,
    String model,
    String operation,
    String name,
    Long inputTokens,
    Long durationNanos,
    Long batchSize,
    Boolean sampled,
    Integer layers,
    Integer heads,
    boolean hasSpan,
    int snapshots,
    Double maxDeviation,
    List<HeadDeviation> topDeviations,
    String status,
    Attributes attributes,
    Verdict verdict,
    Feedback feedback) {}
