/**
 * The engine-neutral form of what a sampled inference captured ({@link
 * io.headwatch.agent.capture.Capture}: per-layer attention probabilities, hidden states and
 * per-head attention outputs, valid positions, token texts, output facts). Engine instrumentation
 * (ONNX Runtime, DJL) builds it; the pipeline turns it into statistics, metrics and snapshots.
 */
package io.headwatch.agent.capture;
