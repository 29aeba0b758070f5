/**
 * HTTP edge helpers both servers share: bearer-token checks and the deadline that closes
 * connections whose request headers do not arrive in time. A leaf: it knows nothing of OTLP or of
 * the API.
 */
package io.headwatch.collector.http;
