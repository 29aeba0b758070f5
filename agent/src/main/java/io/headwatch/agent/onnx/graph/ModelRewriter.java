package io.headwatch.agent.onnx.graph;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Produces a copy of an ONNX model whose main graph has extra outputs.
 *
 * <p>Each extra output is appended as a {@code ValueInfoProto} that carries only a name: ONNX
 * Runtime infers the type and shape of an intermediate tensor made a graph output. Nothing else in
 * the model changes, byte for byte; only the graph's length prefix is rewritten.
 */
public final class ModelRewriter {
  private ModelRewriter() {}

  public static byte[] withExtraOutputs(
      byte[] model, OnnxModel parsed, Collection<String> extraOutputs) {
    ByteArrayOutputStream appended = new ByteArrayOutputStream();
    Set<String> present = new HashSet<>(parsed.graphOutputs());
    for (String name : extraOutputs) {
      if (!present.add(name)) {
        continue; // already a graph output (e.g. the last layer's hidden state)
      }
      byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream valueInfo = new ByteArrayOutputStream();
      writeVarint(valueInfo, (1 << 3) | ProtoReader.LENGTH_DELIMITED); // ValueInfoProto.name
      writeVarint(valueInfo, nameBytes.length);
      valueInfo.writeBytes(nameBytes);
      writeVarint(appended, (12 << 3) | ProtoReader.LENGTH_DELIMITED); // GraphProto.output
      writeVarint(appended, valueInfo.size());
      appended.writeBytes(valueInfo.toByteArray());
    }
    int oldGraphLength = parsed.graphPayloadEnd - parsed.graphPayloadStart;
    long newGraphLength = (long) oldGraphLength + appended.size();
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    writeVarint(header, (7 << 3) | ProtoReader.LENGTH_DELIMITED); // ModelProto.graph
    writeVarint(header, newGraphLength);

    long total =
        (long) parsed.graphTagStart
            + header.size()
            + newGraphLength
            + (model.length - parsed.graphPayloadEnd);
    if (total > Integer.MAX_VALUE - 8) {
      throw new MalformedModelException("rewritten model exceeds 2 GiB");
    }
    byte[] out = new byte[(int) total];
    int p = 0;
    System.arraycopy(model, 0, out, p, parsed.graphTagStart);
    p += parsed.graphTagStart;
    byte[] h = header.toByteArray();
    System.arraycopy(h, 0, out, p, h.length);
    p += h.length;
    System.arraycopy(model, parsed.graphPayloadStart, out, p, oldGraphLength);
    p += oldGraphLength;
    byte[] a = appended.toByteArray();
    System.arraycopy(a, 0, out, p, a.length);
    p += a.length;
    System.arraycopy(model, parsed.graphPayloadEnd, out, p, model.length - parsed.graphPayloadEnd);
    return out;
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }
}
