/**
 * What instrumentation of any engine shares: {@link io.headwatch.agent.instrumentation.CallDepth},
 * the one guard against counting a nested call twice, and {@link
 * io.headwatch.agent.instrumentation.PredictionScope}, the one "current prediction" of a thread
 * through which hooks nested in a framework's prediction (tokenizer, engine, attention blocks)
 * contribute to its single record; and {@link io.headwatch.agent.instrumentation.ModelLoading}, the
 * model a library is loading on this thread, which names it.
 */
package io.headwatch.agent.instrumentation;
