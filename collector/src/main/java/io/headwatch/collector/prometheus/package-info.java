/**
 * The Prometheus side: OTLP metrics translated into series with upstream-compatible names, the
 * bounded series registry that /metrics exposes, and the collector's own metrics.
 */
package io.headwatch.collector.prometheus;
