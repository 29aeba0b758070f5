/**
 * Engine-free reading and rewriting of ONNX models: a protobuf wire-format reader, the graph's
 * nodes, the analyzer that finds attention probabilities, per-head outputs and hidden states
 * ({@link io.headwatch.agent.onnx.graph.CapturePlan}), and the rewriter that makes them graph
 * outputs. Needs neither ONNX Runtime nor protobuf.
 */
package io.headwatch.agent.onnx.graph;
