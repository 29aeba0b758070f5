/**
 * The prediction store: spans and scored snapshots written as predictions, retention by age and
 * bytes, and the queries the API and the baseline refill need. Keeps some payloads as JSON text in
 * columns; that text is read and written only here (StoredPayloads).
 */
package io.headwatch.collector.store;
