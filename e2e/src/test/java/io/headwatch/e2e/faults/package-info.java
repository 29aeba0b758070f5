/**
 * Faults written into a copy of all-MiniLM-L6-v2's weights at run time, and an ONNX Runtime probe
 * that computes the agent's statistics of each prediction in-process: a copy of the bench module's
 * {@code io.headwatch.bench.faults} kit (editor, layout, tokenizer, probe), so that end-to-end
 * tests can use it without the bench module (built only with {@code -Pbench}). Keep the two in step
 * when changing either.
 */
package io.headwatch.e2e.faults;
