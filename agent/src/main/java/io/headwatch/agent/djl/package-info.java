/**
 * DJL instrumentation (0.36.x): one record per {@code Predictor.batchPredict} ({@link
 * io.headwatch.agent.djl.DjlPredictions}), the HuggingFace tokenizer's facts, attention from DJL's
 * transformer blocks on the PyTorch engine or from a model's outputs ({@link
 * io.headwatch.agent.djl.DjlForwardCapture}), classifier and embedding outputs. On the OnnxRuntime
 * engine the ONNX Runtime hooks capture attention inside the prediction's scope. Captures go to the
 * pipeline as engine-neutral {@link io.headwatch.agent.capture.Capture}s.
 */
package io.headwatch.agent.djl;
