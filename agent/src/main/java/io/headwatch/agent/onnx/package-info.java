/**
 * ONNX Runtime instrumentation: advice on {@code OrtSession} (creation, run, close), its options
 * and ONNX Runtime's shutdown hook; per application session, a {@link
 * io.headwatch.agent.onnx.ObservedSession} that prepares a capture session (the model rewritten
 * with attention, per-head outputs and hidden states as outputs), verifies it reproduces the
 * application's outputs bit for bit, and then serves sampled calls from it; everything it captures
 * is handed to the pipeline as an engine-neutral {@link io.headwatch.agent.capture.Capture}.
 */
package io.headwatch.agent.onnx;
