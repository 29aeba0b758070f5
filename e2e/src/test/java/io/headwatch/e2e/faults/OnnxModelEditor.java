package io.headwatch.e2e.faults;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Edits a copy of an ONNX model at the protobuf wire level: overwrites float weights of
 * initializers stored as {@code raw_data} (their length never changes, so the edit is in place),
 * and adds graph outputs so that intermediate tensors can be read at run time.
 *
 * <p>Only the fields needed for this are read: the graph's nodes (name, op type, inputs, outputs),
 * its initializers (name, dims, data type, where the raw bytes lie) and its output names.
 * Everything else is carried over byte for byte.
 */
public final class OnnxModelEditor {
  // ModelProto.graph
  private static final int MODEL_GRAPH = 7;
  // GraphProto fields
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_OUTPUT = 12;
  // NodeProto fields
  private static final int NODE_INPUT = 1;
  private static final int NODE_OUTPUT = 2;
  private static final int NODE_NAME = 3;
  private static final int NODE_OP_TYPE = 4;
  // TensorProto fields
  private static final int TENSOR_DIMS = 1;
  private static final int TENSOR_DATA_TYPE = 2;
  private static final int TENSOR_NAME = 8;
  private static final int TENSOR_RAW_DATA = 9;
  // ValueInfoProto.name
  private static final int VALUE_INFO_NAME = 1;

  /** TensorProto.DataType.FLOAT */
  public static final int FLOAT = 1;

  /** A weight tensor of the graph and where its raw bytes lie in the model. */
  public record Initializer(String name, long[] dims, int dataType, int rawStart, int rawLength) {
    /** Number of elements (product of dims). */
    public long elements() {
      long n = 1;
      for (long d : dims) {
        n *= d;
      }
      return n;
    }
  }

  /** A node of the main graph. */
  public record Node(String name, String opType, List<String> inputs, List<String> outputs) {}

  private final byte[] model;
  private final int graphFieldStart;
  private final int graphPayloadStart;
  private final int graphPayloadEnd;
  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, Initializer> initializers = new LinkedHashMap<>();
  private final List<String> graphOutputs = new ArrayList<>();

  private OnnxModelEditor(byte[] model) {
    this.model = model;
    int fieldStart = -1;
    int start = -1;
    int end = -1;
    WireFields fields = new WireFields(model, 0, model.length);
    while (fields.next()) {
      if (fields.number() == MODEL_GRAPH && fields.wireType() == WireFields.LEN) {
        fieldStart = fields.fieldStart();
        start = fields.payloadStart();
        end = fields.payloadEnd();
      }
    }
    if (start < 0) {
      throw new MalformedProtoException(
          "no graph (ModelProto field 7) in " + model.length + " bytes");
    }
    graphFieldStart = fieldStart;
    graphPayloadStart = start;
    graphPayloadEnd = end;
    readGraph(new WireFields(model, start, end));
  }

  /** Parses a model; the editor works on its own copy of the bytes. */
  public static OnnxModelEditor of(byte[] modelBytes) {
    return new OnnxModelEditor(modelBytes.clone());
  }

  private void readGraph(WireFields graph) {
    while (graph.next()) {
      if (graph.wireType() != WireFields.LEN) {
        continue;
      }
      switch (graph.number()) {
        case GRAPH_NODE -> nodes.add(readNode(graph.message()));
        case GRAPH_INITIALIZER -> {
          Initializer init = readTensor(graph.message());
          initializers.put(init.name(), init);
        }
        case GRAPH_OUTPUT -> {
          WireFields info = graph.message();
          while (info.next()) {
            if (info.number() == VALUE_INFO_NAME && info.wireType() == WireFields.LEN) {
              graphOutputs.add(info.text());
            }
          }
        }
        default -> {}
      }
    }
  }

  private static Node readNode(WireFields node) {
    String name = "";
    String op = "";
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    while (node.next()) {
      if (node.wireType() != WireFields.LEN) {
        continue;
      }
      switch (node.number()) {
        case NODE_INPUT -> inputs.add(node.text());
        case NODE_OUTPUT -> outputs.add(node.text());
        case NODE_NAME -> name = node.text();
        case NODE_OP_TYPE -> op = node.text();
        default -> {}
      }
    }
    return new Node(name, op, List.copyOf(inputs), List.copyOf(outputs));
  }

  private static Initializer readTensor(WireFields tensor) {
    String name = "";
    List<Long> dims = new ArrayList<>();
    int dataType = 0;
    int rawStart = -1;
    int rawLength = 0;
    while (tensor.next()) {
      switch (tensor.number()) {
        case TENSOR_DIMS -> {
          if (tensor.wireType() == WireFields.VARINT) {
            dims.add(tensor.varint());
          } else if (tensor.wireType() == WireFields.LEN) {
            tensor.packedVarints(dims);
          }
        }
        case TENSOR_DATA_TYPE -> dataType = (int) tensor.varint();
        case TENSOR_NAME -> name = tensor.text();
        case TENSOR_RAW_DATA -> {
          rawStart = tensor.payloadStart();
          rawLength = tensor.payloadEnd() - tensor.payloadStart();
        }
        default -> {}
      }
    }
    long[] d = dims.stream().mapToLong(Long::longValue).toArray();
    return new Initializer(name, d, dataType, rawStart, rawLength);
  }

  public List<Node> nodes() {
    return List.copyOf(nodes);
  }

  public List<String> graphOutputs() {
    return List.copyOf(graphOutputs);
  }

  /** The initializer with this name; throws with the name when there is none. */
  public Initializer initializer(String name) {
    Initializer init = initializers.get(name);
    if (init == null) {
      throw new IllegalArgumentException("the model has no initializer named '" + name + "'");
    }
    return init;
  }

  /** The current float values of an initializer. */
  public float[] floats(String name) {
    Initializer init = floatInitializer(name);
    float[] values = new float[(int) init.elements()];
    view(init).asFloatBuffer().get(values);
    return values;
  }

  /**
   * Multiplies element {@code [i]} of a float initializer by {@code factor} for i in [from, to).
   */
  public void scaleRange(String name, int from, int to, float factor) {
    Initializer init = floatInitializer(name);
    checkRange(name, from, to, init.elements());
    ByteBuffer buf = view(init);
    for (int i = from; i < to; i++) {
      buf.putFloat(i * 4, buf.getFloat(i * 4) * factor);
    }
  }

  /**
   * Multiplies columns [from, to) of a 2-D float initializer {@code [rows][cols]} by {@code
   * factor}. For a MatMul weight {@code x · W} of shape [in, out], columns are output features.
   */
  public void scaleColumns(String name, int from, int to, float factor) {
    Initializer init = floatInitializer(name);
    if (init.dims().length != 2) {
      throw new IllegalArgumentException(
          "initializer '" + name + "' has " + init.dims().length + " dims, expected 2");
    }
    int rows = (int) init.dims()[0];
    int cols = (int) init.dims()[1];
    checkRange(name, from, to, cols);
    ByteBuffer buf = view(init);
    for (int r = 0; r < rows; r++) {
      for (int c = from; c < to; c++) {
        int at = (r * cols + c) * 4;
        buf.putFloat(at, buf.getFloat(at) * factor);
      }
    }
  }

  /** Sets one element (flat index) of a float initializer. */
  public void set(String name, int index, float value) {
    Initializer init = floatInitializer(name);
    checkRange(name, index, index + 1, init.elements());
    view(init).putFloat(index * 4, value);
  }

  /**
   * The edited model, with {@code extraOutputs} appended to the graph's outputs (names only: ONNX
   * Runtime infers their types). Names that already are outputs are skipped.
   */
  public byte[] toBytes(Collection<String> extraOutputs) {
    Set<String> names = new LinkedHashSet<>(extraOutputs);
    names.removeAll(graphOutputs);
    ByteArrayOutputStream added = new ByteArrayOutputStream();
    for (String name : names) {
      ByteArrayOutputStream info = new ByteArrayOutputStream();
      WireFields.writeLen(info, VALUE_INFO_NAME, name.getBytes(StandardCharsets.UTF_8));
      WireFields.writeLen(added, GRAPH_OUTPUT, info.toByteArray());
    }
    int graphLength = graphPayloadEnd - graphPayloadStart;
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    WireFields.writeVarint(header, ((long) MODEL_GRAPH << 3) | WireFields.LEN);
    WireFields.writeVarint(header, (long) graphLength + added.size());
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(model.length + header.size() + added.size());
    out.write(model, 0, graphFieldStart);
    out.writeBytes(header.toByteArray());
    out.write(model, graphPayloadStart, graphLength);
    out.writeBytes(added.toByteArray());
    out.write(model, graphPayloadEnd, model.length - graphPayloadEnd);
    return out.toByteArray();
  }

  private Initializer floatInitializer(String name) {
    Initializer init = initializer(name);
    if (init.dataType() != FLOAT) {
      throw new IllegalArgumentException(
          "initializer '" + name + "' has data type " + init.dataType() + ", expected FLOAT (1)");
    }
    if (init.rawStart() < 0 || init.rawLength() != init.elements() * 4) {
      throw new IllegalArgumentException(
          "initializer '"
              + name
              + "' does not hold its "
              + init.elements()
              + " floats as raw_data (only raw_data can be edited in place)");
    }
    return init;
  }

  private ByteBuffer view(Initializer init) {
    return ByteBuffer.wrap(model, init.rawStart(), init.rawLength())
        .slice()
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void checkRange(String name, long from, long to, long size) {
    if (from < 0 || to > size || from >= to) {
      throw new IllegalArgumentException(
          "range [" + from + ", " + to + ") is outside initializer '" + name + "' of " + size);
    }
  }
}
