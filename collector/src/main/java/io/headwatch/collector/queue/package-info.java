/**
 * Hand-over between threads: a FIFO bounded by item count and by bytes, and a supervised worker
 * thread that is started again (and counted) when its loop dies.
 */
package io.headwatch.collector.queue;
