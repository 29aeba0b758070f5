/**
 * The HTTP API port: the JSON REST API over the store and the baselines, and GET /metrics. JSON is
 * written here, at the edge.
 */
package io.headwatch.collector.api;
