package io.headwatch.collector.receiver;

import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The google.rpc.Status body OTLP/HTTP error responses carry (code = 1, message = 2), encoded by
 * hand so the collector needs no extra proto artifact.
 */
final class RpcStatus {
  static final int INVALID_ARGUMENT = 3;
  static final int DEADLINE_EXCEEDED = 4;
  static final int RESOURCE_EXHAUSTED = 8;
  static final int UNIMPLEMENTED = 12;
  static final int INTERNAL = 13;
  static final int UNAVAILABLE = 14;
  static final int UNAUTHENTICATED = 16;

  private RpcStatus() {}

  static byte[] protobuf(int code, String message) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeInt32(1, code);
      out.writeBytes(2, ByteString.copyFromUtf8(message));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static byte[] json(int code, String message) {
    JsonObject o = new JsonObject();
    o.addProperty("code", code);
    o.addProperty("message", message);
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }
}
