/**
 * The HTTP API port: the JSON REST API over the store and the baselines, and GET /metrics; the two
 * feedback endpoints (POST) that label predictions, and the comparison of wrong with right
 * predictions (computed by the comparison package). JSON is read and written here, at the edge.
 */
package io.headwatch.collector.api;
