/**
 * The OTLP/HTTP edge: reads request bodies within their limits, decodes protobuf or OTLP/JSON into
 * export requests, hands them to ingest and answers in OTLP's terms (an export response or a
 * google.rpc.Status). Nothing here interprets what a request means.
 */
package io.headwatch.collector.receiver;
