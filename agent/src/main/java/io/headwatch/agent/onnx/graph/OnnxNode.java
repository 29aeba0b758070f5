package io.headwatch.agent.onnx.graph;

import java.util.List;
import java.util.Map;

/** One node of an ONNX graph: only what the agent needs to recognise attention and layers. */
public final class OnnxNode {
  private final String name;
  private final String opType;
  private final String domain;
  private final List<String> inputs;
  private final List<String> outputs;
  private final Map<String, Long> intAttributes;

  OnnxNode(
      String name,
      String opType,
      String domain,
      List<String> inputs,
      List<String> outputs,
      Map<String, Long> intAttributes) {
    this.name = name;
    this.opType = opType;
    this.domain = domain;
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.intAttributes = Map.copyOf(intAttributes);
  }

  public String name() {
    return name;
  }

  public String opType() {
    return opType;
  }

  /** The operator domain; empty for the default ONNX domain. */
  public String domain() {
    return domain;
  }

  public List<String> inputs() {
    return inputs;
  }

  public List<String> outputs() {
    return outputs;
  }

  /** An integer attribute (such as Softmax's {@code axis}), or {@code null} when absent. */
  public Long intAttribute(String attributeName) {
    return intAttributes.get(attributeName);
  }

  @Override
  public String toString() {
    return opType + "(" + name + ")";
  }
}
