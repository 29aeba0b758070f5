package io.headwatch.agent.onnx.graph;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Produces a copy of an ONNX model whose main graph has extra outputs.
 *
 * <p>Each extra output is appended as a {@code ValueInfoProto} that carries only a name: ONNX
 * Runtime infers the type and shape of an intermediate tensor made a graph output. Nothing else in
 * the model changes, byte for byte; only the graph's length prefix is rewritten. The copy is
 * streamed (to a file, for the agent), so that rewriting a model never holds a second copy of its
 * weights in the heap.
 */
public final class ModelRewriter {
  private ModelRewriter() {}

  /** The rewritten model as a byte array (tests, small models). */
  public static byte[] withExtraOutputs(
      byte[] model, OnnxModel parsed, Collection<String> extraOutputs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      write(ByteBuffer.wrap(model), parsed, extraOutputs, Channels.newChannel(out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Writes the rewritten model to {@code file} (created or replaced). */
  public static void writeWithExtraOutputs(
      ByteBuffer model, OnnxModel parsed, Collection<String> extraOutputs, Path file)
      throws IOException {
    try (FileChannel out =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      write(model, parsed, extraOutputs, out);
    }
  }

  private static void write(
      ByteBuffer model, OnnxModel parsed, Collection<String> extraOutputs, WritableByteChannel out)
      throws IOException {
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
            + (model.limit() - parsed.graphPayloadEnd);
    if (total > Integer.MAX_VALUE - 8) {
      throw new MalformedModelException("rewritten model exceeds 2 GiB");
    }
    writeAll(out, slice(model, 0, parsed.graphTagStart));
    writeAll(out, ByteBuffer.wrap(header.toByteArray()));
    writeAll(out, slice(model, parsed.graphPayloadStart, oldGraphLength));
    writeAll(out, ByteBuffer.wrap(appended.toByteArray()));
    writeAll(out, slice(model, parsed.graphPayloadEnd, model.limit() - parsed.graphPayloadEnd));
  }

  private static ByteBuffer slice(ByteBuffer model, int start, int length) {
    return model.duplicate().position(start).limit(start + length).slice();
  }

  private static void writeAll(WritableByteChannel out, ByteBuffer data) throws IOException {
    while (data.hasRemaining()) {
      out.write(data);
    }
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }
}
