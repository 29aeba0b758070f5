package io.headwatch.agent.onnx.graph;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX {@code ModelProto} the agent reads: the main graph's nodes, inputs and
 * outputs, and where the graph sits in the bytes so that {@link ModelRewriter} can append outputs.
 *
 * <p>Field numbers follow onnx.proto (ModelProto.graph = 7; GraphProto.node = 1, name = 2,
 * initializer = 5, input = 11, output = 12; NodeProto.input = 1, output = 2, name = 3, op_type = 4,
 * attribute = 5, domain = 7; TensorProto.data_location = 14).
 */
public final class OnnxModel {
  private final List<OnnxNode> nodes;
  private final List<String> graphInputs;
  private final List<String> graphOutputs;
  private final String graphName;
  private final String producerName;
  private final boolean externalData;
  private final int maxPositions;
  // Byte positions of ModelProto.graph: the tag's first byte, the payload's start and end.
  final int graphTagStart;
  final int graphPayloadStart;
  final int graphPayloadEnd;

  private OnnxModel(
      List<OnnxNode> nodes,
      List<String> graphInputs,
      List<String> graphOutputs,
      String graphName,
      String producerName,
      boolean externalData,
      int maxPositions,
      int graphTagStart,
      int graphPayloadStart,
      int graphPayloadEnd) {
    this.nodes = List.copyOf(nodes);
    this.graphInputs = List.copyOf(graphInputs);
    this.graphOutputs = List.copyOf(graphOutputs);
    this.graphName = graphName;
    this.producerName = producerName;
    this.externalData = externalData;
    this.maxPositions = maxPositions;
    this.graphTagStart = graphTagStart;
    this.graphPayloadStart = graphPayloadStart;
    this.graphPayloadEnd = graphPayloadEnd;
  }

  /** Parses the model; initializer payloads are skipped, not copied. */
  public static OnnxModel parse(byte[] model) {
    return parse(ByteBuffer.wrap(model));
  }

  /**
   * Parses the model from {@code model}'s position 0 to its limit (a memory-mapped file is read
   * only where the graph's structure is; the weights are skipped by length).
   */
  public static OnnxModel parse(ByteBuffer model) {
    ProtoReader reader = new ProtoReader(model, 0, model.limit());
    String producer = "";
    int tagStart = -1;
    int payloadStart = -1;
    int payloadEnd = -1;
    while (reader.hasMore()) {
      int tag = reader.readTag();
      int field = tag >>> 3;
      int wire = tag & 7;
      if (field == 7 && wire == ProtoReader.LENGTH_DELIMITED) {
        if (tagStart >= 0) {
          throw new MalformedModelException("more than one graph");
        }
        tagStart = reader.tagStart();
        payloadStart = reader.readLengthDelimitedStart();
        payloadEnd = reader.position();
      } else if (field == 2 && wire == ProtoReader.LENGTH_DELIMITED) {
        producer = reader.readString();
      } else {
        reader.skip(wire);
      }
    }
    if (tagStart < 0) {
      throw new MalformedModelException("no graph in model");
    }
    return parseGraph(model, producer, tagStart, payloadStart, payloadEnd);
  }

  /**
   * The main graph's name, read without parsing nodes (everything else is skipped by length): cheap
   * enough for the application's thread when a model given as bytes must be named.
   */
  public static String graphName(ByteBuffer model) {
    ProtoReader reader = new ProtoReader(model, 0, model.limit());
    while (reader.hasMore()) {
      int tag = reader.readTag();
      if (tag >>> 3 == 7 && (tag & 7) == ProtoReader.LENGTH_DELIMITED) {
        ProtoReader graph = reader.readMessage();
        while (graph.hasMore()) {
          int t = graph.readTag();
          if (t >>> 3 == 2 && (t & 7) == ProtoReader.LENGTH_DELIMITED) {
            return graph.readString();
          }
          graph.skip(t & 7);
        }
        return "";
      }
      reader.skip(tag & 7);
    }
    throw new MalformedModelException("no graph in model");
  }

  private static OnnxModel parseGraph(
      ByteBuffer model, String producer, int tagStart, int start, int end) {
    ProtoReader graph = new ProtoReader(model, start, end - start);
    List<OnnxNode> nodes = new ArrayList<>();
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    String name = "";
    boolean external = false;
    int maxPositions = -1;
    while (graph.hasMore()) {
      int tag = graph.readTag();
      int field = tag >>> 3;
      int wire = tag & 7;
      if (wire != ProtoReader.LENGTH_DELIMITED) {
        graph.skip(wire);
        continue;
      }
      switch (field) {
        case 1:
          nodes.add(parseNode(graph.readMessage()));
          break;
        case 2:
          name = graph.readString();
          break;
        case 5:
          Initializer init = Initializer.read(graph.readMessage());
          external |= init.external;
          if (maxPositions < 0 && init.isPositionEmbeddings()) {
            maxPositions = (int) init.dims[0];
          }
          break;
        case 11:
          inputs.add(valueInfoName(graph.readMessage()));
          break;
        case 12:
          outputs.add(valueInfoName(graph.readMessage()));
          break;
        default:
          graph.skip(wire);
      }
    }
    return new OnnxModel(
        nodes, inputs, outputs, name, producer, external, maxPositions, tagStart, start, end);
  }

  private static OnnxNode parseNode(ProtoReader node) {
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    Map<String, Long> ints = new HashMap<>();
    String name = "";
    String opType = "";
    String domain = "";
    while (node.hasMore()) {
      int tag = node.readTag();
      int field = tag >>> 3;
      int wire = tag & 7;
      if (wire != ProtoReader.LENGTH_DELIMITED) {
        node.skip(wire);
        continue;
      }
      switch (field) {
        case 1:
          inputs.add(node.readString());
          break;
        case 2:
          outputs.add(node.readString());
          break;
        case 3:
          name = node.readString();
          break;
        case 4:
          opType = node.readString();
          break;
        case 5:
          readIntAttribute(node.readMessage(), ints);
          break;
        case 7:
          domain = node.readString();
          break;
        default:
          node.skip(wire);
      }
    }
    return new OnnxNode(name, opType, domain, inputs, outputs, ints);
  }

  /** AttributeProto: name = 1, i = 3. Only integer attributes are kept. */
  private static void readIntAttribute(ProtoReader attribute, Map<String, Long> into) {
    String name = null;
    Long value = null;
    while (attribute.hasMore()) {
      int tag = attribute.readTag();
      int field = tag >>> 3;
      int wire = tag & 7;
      if (field == 1 && wire == ProtoReader.LENGTH_DELIMITED) {
        name = attribute.readString();
      } else if (field == 3 && wire == ProtoReader.VARINT) {
        value = attribute.readVarint();
      } else {
        attribute.skip(wire);
      }
    }
    if (name != null && value != null) {
      into.put(name, value);
    }
  }

  /** TensorProto.data_location = 14; EXTERNAL = 1. */
  /** What the agent reads of an initializer: its name, its shape, where its data lives. */
  private static final class Initializer {
    String name = "";
    long[] dims = new long[0];
    boolean external;

    static Initializer read(ProtoReader tensor) {
      Initializer init = new Initializer();
      List<Long> dims = new ArrayList<>();
      while (tensor.hasMore()) {
        int tag = tensor.readTag();
        int field = tag >>> 3;
        int wire = tag & 7;
        if (field == 1 && wire == ProtoReader.VARINT) {
          dims.add(tensor.readVarint());
        } else if (field == 1 && wire == ProtoReader.LENGTH_DELIMITED) {
          ProtoReader packed = tensor.readMessage();
          while (packed.hasMore()) {
            dims.add(packed.readVarint());
          }
        } else if (field == 8 && wire == ProtoReader.LENGTH_DELIMITED) {
          init.name = tensor.readString();
        } else if (field == 14 && wire == ProtoReader.VARINT) {
          init.external = tensor.readVarint() == 1;
        } else {
          tensor.skip(wire); // the weights themselves: skipped by length, never read
        }
      }
      init.dims = dims.stream().mapToLong(Long::longValue).toArray();
      return init;
    }

    /** BERT-style absolute position embeddings: [positions, hidden]. */
    boolean isPositionEmbeddings() {
      return dims.length == 2 && dims[0] > 0 && name.contains("position_embeddings");
    }
  }

  /** ValueInfoProto.name = 1. */
  private static String valueInfoName(ProtoReader valueInfo) {
    while (valueInfo.hasMore()) {
      int tag = valueInfo.readTag();
      if ((tag >>> 3) == 1 && (tag & 7) == ProtoReader.LENGTH_DELIMITED) {
        return valueInfo.readString();
      }
      valueInfo.skip(tag & 7);
    }
    return "";
  }

  /** Nodes in file order (ONNX requires topological order). */
  public List<OnnxNode> nodes() {
    return nodes;
  }

  public List<String> graphInputs() {
    return graphInputs;
  }

  public List<String> graphOutputs() {
    return graphOutputs;
  }

  public String graphName() {
    return graphName;
  }

  public String producerName() {
    return producerName;
  }

  /**
   * Whether some initializer lives in an external data file (then the agent cannot re-create it).
   */
  /**
   * Rows of the model's position embeddings (an initializer named like {@code
   * *position_embeddings*}, BERT-style): the longest input it can take; -1 when unknown.
   */
  public int maxPositions() {
    return maxPositions;
  }

  public boolean hasExternalData() {
    return externalData;
  }
}
