package io.headwatch.agent.onnx.graph;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny protobuf wire-format writer for tests, written independently of the agent's reader and
 * rewriter, plus builders for the few ONNX messages the tests need (field numbers from onnx.proto).
 */
public final class ProtoWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public ProtoWriter varint(int field, long value) {
    tag(field, 0);
    rawVarint(value);
    return this;
  }

  public ProtoWriter bytes(int field, byte[] payload) {
    tag(field, 2);
    rawVarint(payload.length);
    out.writeBytes(payload);
    return this;
  }

  public ProtoWriter string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  public ProtoWriter message(int field, ProtoWriter message) {
    return bytes(field, message.toByteArray());
  }

  public ProtoWriter fixed32(int field, int bits) {
    tag(field, 5);
    for (int i = 0; i < 4; i++) {
      out.write((bits >>> (8 * i)) & 0xFF);
    }
    return this;
  }

  private void tag(int field, int wireType) {
    rawVarint(((long) field << 3) | wireType);
  }

  private void rawVarint(long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  public byte[] toByteArray() {
    return out.toByteArray();
  }

  /** The encoding of a non-negative varint, for tests that inspect bytes. */
  public static byte[] varintBytes(long value) {
    ProtoWriter w = new ProtoWriter();
    w.rawVarint(value);
    return w.toByteArray();
  }

  // ---- ONNX messages -------------------------------------------------------------------------

  /** NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5, domain = 7. */
  public static final class Node {
    final String name;
    final String opType;
    String domain = "";
    final List<String> inputs = new ArrayList<>();
    final List<String> outputs = new ArrayList<>();
    final List<ProtoWriter> attributes = new ArrayList<>();

    public Node(String name, String opType) {
      this.name = name;
      this.opType = opType;
    }

    public Node in(String... names) {
      inputs.addAll(List.of(names));
      return this;
    }

    public Node out(String... names) {
      outputs.addAll(List.of(names));
      return this;
    }

    public Node domain(String d) {
      this.domain = d;
      return this;
    }

    /** AttributeProto: name = 1, i = 3, type = 20 (INT = 2). */
    public Node intAttribute(String attrName, long value) {
      attributes.add(new ProtoWriter().string(1, attrName).varint(3, value).varint(20, 2));
      return this;
    }

    /** AttributeProto with a float (f = 2, type FLOAT = 1): must be ignored by an int reader. */
    public Node floatAttribute(String attrName, float value) {
      attributes.add(
          new ProtoWriter()
              .string(1, attrName)
              .fixed32(2, Float.floatToIntBits(value))
              .varint(20, 1));
      return this;
    }

    ProtoWriter encode() {
      ProtoWriter w = new ProtoWriter();
      for (String i : inputs) {
        w.string(1, i);
      }
      for (String o : outputs) {
        w.string(2, o);
      }
      w.string(3, name).string(4, opType);
      for (ProtoWriter a : attributes) {
        w.message(5, a);
      }
      if (!domain.isEmpty()) {
        w.string(7, domain);
      }
      return w;
    }
  }

  /**
   * ValueInfoProto (name = 1, type = 2) of a float tensor: TypeProto.tensor_type = 1;
   * Tensor.elem_type = 1 (FLOAT = 1), shape = 2; TensorShapeProto.dim = 1; Dimension.dim_value = 1.
   */
  public static ProtoWriter floatValueInfo(String name, long... dims) {
    ProtoWriter shape = new ProtoWriter();
    for (long d : dims) {
      shape.message(1, new ProtoWriter().varint(1, d));
    }
    ProtoWriter tensorType = new ProtoWriter().varint(1, 1).message(2, shape);
    ProtoWriter type = new ProtoWriter().message(1, tensorType);
    return new ProtoWriter().string(1, name).message(2, type);
  }

  /** GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12. */
  public static final class Graph {
    final String name;
    final List<Node> nodes = new ArrayList<>();
    final List<ProtoWriter> inputs = new ArrayList<>();
    final List<ProtoWriter> outputs = new ArrayList<>();
    final List<ProtoWriter> initializers = new ArrayList<>();

    public Graph(String name) {
      this.name = name;
    }

    public Graph node(Node n) {
      nodes.add(n);
      return this;
    }

    public Graph input(String inputName, long... dims) {
      inputs.add(floatValueInfo(inputName, dims));
      return this;
    }

    public Graph output(String outputName, long... dims) {
      outputs.add(floatValueInfo(outputName, dims));
      return this;
    }

    /**
     * A float TensorProto initializer (dims = 1, data_type = 2 (FLOAT = 1), name = 8, data_location
     * = 14) — with {@code external} the data location is EXTERNAL (1).
     */
    public Graph initializer(String tensorName, boolean external) {
      ProtoWriter t = new ProtoWriter().varint(1, 1).varint(2, 1).string(8, tensorName);
      if (external) {
        t.message(13, new ProtoWriter().string(1, "location").string(2, "weights.bin"));
        t.varint(14, 1);
      } else {
        t.fixed32(4, Float.floatToIntBits(1f)); // float_data, unpacked
      }
      initializers.add(t);
      return this;
    }

    ProtoWriter encode() {
      ProtoWriter w = new ProtoWriter();
      for (Node n : nodes) {
        w.message(1, n.encode());
      }
      w.string(2, name);
      for (ProtoWriter i : initializers) {
        w.message(5, i);
      }
      for (ProtoWriter i : inputs) {
        w.message(11, i);
      }
      for (ProtoWriter o : outputs) {
        w.message(12, o);
      }
      return w;
    }
  }

  /**
   * ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 (OperatorSetIdProto:
   * domain = 1, version = 2). Fields around the graph on both sides, as exporters write them
   * (opset_import follows the graph).
   */
  public static byte[] model(Graph graph) {
    return new ProtoWriter()
        .varint(1, 8)
        .string(2, "headwatch-test")
        .string(3, "0.0")
        .message(7, graph.encode())
        .message(8, new ProtoWriter().string(1, "").varint(2, 13))
        .toByteArray();
  }
}
