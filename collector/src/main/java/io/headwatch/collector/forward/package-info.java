/**
 * Optional forwarding: every accepted export request, byte for byte, to an upstream OTLP/HTTP
 * endpoint from a bounded queue on one thread; and the collector's verdicts, as {@code
 * gen_ai.evaluation.result} log records in the context of the spans they judge.
 */
package io.headwatch.collector.forward;
