/**
 * The JSON forms of model values, shared by the two edges that write JSON: the API and the store's
 * payload columns. JSON has no NaN: non-finite numbers are null.
 */
package io.headwatch.collector.json;
