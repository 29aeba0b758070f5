/**
 * The collector process: {@link io.headwatch.collector.Main} reads the settings and {@link
 * io.headwatch.collector.HeadwatchCollector} wires the packages below into a running collector
 * (servers, worker threads, store). Data flows receiver → ingest → {prometheus, baseline, store} →
 * model; api reads store and baseline; config, queue, otlp and json are leaves every stage may use.
 */
package io.headwatch.collector;
