package io.headwatch.collector.receiver;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * OTLP/JSON per the spec: the protobuf JSON mapping (lowerCamelCase or original field names, enums
 * as names or integers, 64-bit integers as strings or numbers) except that trace and span ids are
 * hex strings, not base64. Ids are rewritten to base64 before protobuf's JsonFormat parses.
 */
final class OtlpJson {
  private static final Set<String> ID_FIELDS =
      Set.of("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id");
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();

  private OtlpJson() {}

  static Message parse(Signal signal, byte[] body) throws InvalidProtocolBufferException {
    JsonElement tree;
    try {
      tree = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
    } catch (JsonParseException e) {
      throw new InvalidProtocolBufferException("invalid JSON: " + e.getMessage());
    }
    if (!tree.isJsonObject()) {
      throw new InvalidProtocolBufferException("invalid OTLP JSON: the body is not an object");
    }
    hexIdsToBase64(tree);
    Message.Builder builder = signal.newRequestBuilder();
    PARSER.merge(tree.toString(), builder);
    return builder.build();
  }

  static byte[] print(Message message) throws InvalidProtocolBufferException {
    return PRINTER.print(message).getBytes(StandardCharsets.UTF_8);
  }

  private static void hexIdsToBase64(JsonElement e) throws InvalidProtocolBufferException {
    if (e.isJsonObject()) {
      JsonObject o = e.getAsJsonObject();
      for (Map.Entry<String, JsonElement> entry : o.entrySet()) {
        JsonElement v = entry.getValue();
        if (ID_FIELDS.contains(entry.getKey()) && v.isJsonPrimitive()) {
          entry.setValue(new JsonPrimitive(base64(entry.getKey(), v.getAsString())));
        } else {
          hexIdsToBase64(v);
        }
      }
    } else if (e.isJsonArray()) {
      JsonArray a = e.getAsJsonArray();
      for (JsonElement item : a) {
        hexIdsToBase64(item);
      }
    }
  }

  private static String base64(String field, String hex) throws InvalidProtocolBufferException {
    try {
      return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
    } catch (IllegalArgumentException ex) {
      throw new InvalidProtocolBufferException(field + " is not a hex string: '" + hex + "'");
    }
  }
}
