/**
 * The fault-injection evaluation of the collector's verdicts (issue 12): faulted copies of
 * all-MiniLM-L6-v2 written at run time ({@link io.headwatch.bench.faults.OnnxModelEditor}, {@link
 * io.headwatch.bench.faults.Fault}), run in-process by ONNX Runtime with their attention, head
 * outputs and hidden states as extra outputs ({@link io.headwatch.bench.faults.ModelProbe}),
 * reduced with the agent's statistics classes, and judged by the collector's verdict library
 * ({@link io.headwatch.bench.faults.VerdictEvaluation}).
 *
 * <p>Nothing here depends on the agent's ONNX internals: the editor reads the protobuf wire format
 * itself, and the tokenizer is a WordPiece written for the evaluation.
 */
package io.headwatch.bench.faults;
