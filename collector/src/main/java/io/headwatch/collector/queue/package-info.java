/** A FIFO bounded by item count and by bytes, used between threads that hand work over. */
package io.headwatch.collector.queue;
