package io.headwatch.collector.receiver;

import java.io.IOException;

/** A request body, compressed or decompressed, exceeded --max-body-bytes. */
final class BodyTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  BodyTooLargeException(String message) {
    super(message);
  }
}
