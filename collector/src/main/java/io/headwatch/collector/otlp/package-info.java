/**
 * Helpers over OTLP protobuf values (typed attribute look-ups, ids as hex) that the parsers in
 * ingest and prometheus share.
 */
package io.headwatch.collector.otlp;
