package io.headwatch.collector.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Every error Jetty produces itself (a malformed request line, headers too large, a bad URI, an
 * unhandled failure) in the server's own JSON error format instead of Jetty's HTML page: the API's
 * {@code {"error": ...}} or OTLP's google.rpc.Status. {@code body} turns (status, message) into the
 * JSON text.
 */
public final class JsonErrorHandler extends ErrorHandler {
  private static final String JSON = "application/json";
  private final BiFunction<Integer, String, String> body;

  public JsonErrorHandler(BiFunction<Integer, String, String> body) {
    this.body = body;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Object status = request.getAttribute(ERROR_STATUS);
    int code = status instanceof Integer i ? i : response.getStatus();
    Object message = request.getAttribute(ERROR_MESSAGE);
    Object cause = request.getAttribute(ERROR_EXCEPTION);
    String text =
        message != null
            ? message.toString()
            : cause instanceof Throwable t && t.getMessage() != null
                ? t.getMessage()
                : HttpStatus.getMessage(code);
    response.setStatus(code);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    response.write(
        true, ByteBuffer.wrap(body.apply(code, text).getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, JSON);
    String text = reason == null ? HttpStatus.getMessage(status) : reason;
    return ByteBuffer.wrap(body.apply(status, text).getBytes(StandardCharsets.UTF_8));
  }
}
