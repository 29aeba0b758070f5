package io.headwatch.agent.onnx.graph;

/** The bytes handed to ONNX Runtime could not be read as an ONNX model by the agent. */
public final class MalformedModelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MalformedModelException(String message) {
    super(message);
  }
}
