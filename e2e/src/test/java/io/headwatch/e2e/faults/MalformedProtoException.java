package io.headwatch.e2e.faults;

/** The bytes are not the protobuf message (or ONNX model) the editor expected. */
public final class MalformedProtoException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MalformedProtoException(String message) {
    super(message);
  }
}
