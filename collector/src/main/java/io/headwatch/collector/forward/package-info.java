/**
 * Optional forwarding: every accepted export request, byte for byte, to an upstream OTLP/HTTP
 * endpoint from a bounded queue on one thread.
 */
package io.headwatch.collector.forward;
