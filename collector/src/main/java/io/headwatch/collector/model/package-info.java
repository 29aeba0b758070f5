/**
 * Plain data records every stage shares (spans, snapshots, deviations, attribute values,
 * statistics) and the rules that belong to the data itself (which heads a prediction keeps). No
 * dependencies on other collector packages, OTLP, JSON or storage.
 */
package io.headwatch.collector.model;
