/**
 * Applies decoded export requests, one at a time on one worker thread: metrics go to the prometheus
 * series, inference spans and snapshot log records are parsed into model records, snapshots are
 * scored by baseline, and spans and scored snapshots are written to the store; applications' {@code
 * gen_ai.evaluation.result} records with the configured name become feedback labels.
 */
package io.headwatch.collector.ingest;
