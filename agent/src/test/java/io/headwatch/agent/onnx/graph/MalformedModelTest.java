package io.headwatch.agent.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.headwatch.agent.onnx.graph.ProtoWriter.Graph;
import io.headwatch.agent.onnx.graph.ProtoWriter.Node;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bytes that are not an ONNX model fail with {@link MalformedModelException} and nothing else. */
class MalformedModelTest {

  /** A small valid model with attention, layers, attributes and fields after the graph. */
  static byte[] validModel() {
    Graph g = new Graph("fuzz");
    for (int l = 0; l < 2; l++) {
      String in = l == 0 ? "x" : "h0";
      String p = "/layers." + l + "/attn";
      g.node(new Node(p + "/MatMul", "MatMul").in(in, in).out(p + "/scores"))
          .node(
              new Node(p + "/Softmax", "Softmax")
                  .in(p + "/scores")
                  .out(p + "/probs")
                  .intAttribute("axis", -1))
          .node(new Node(p + "/Dropout", "Dropout").in(p + "/probs").out(p + "/dropped"))
          .node(new Node(p + "/MatMul_1", "MatMul").in(p + "/dropped", in).out("h" + l));
    }
    g.node(new Node("fused", "Attention").domain("com.microsoft").in("h1").out("z"))
        .initializer("w", false)
        .input("x", 1, 4, 4)
        .output("h1", 1, 4, 4)
        .output("z", 1, 4, 4);
    return ProtoWriter.model(g);
  }

  private static void assertMalformed(byte[] bytes) {
    assertThrows(
        MalformedModelException.class,
        () -> OnnxModel.parse(bytes),
        () -> "bytes " + Arrays.toString(bytes));
  }

  @Test
  void validModelParses() {
    CapturePlan plan = AttentionGraphAnalyzer.analyze(OnnxModel.parse(validModel()));
    assertEquals(2, plan.attention().size());
    assertEquals(1, plan.fusedAttentionNodes());
  }

  @Test
  void emptyArray() {
    assertMalformed(new byte[0]);
  }

  @Test
  void truncatedVarint() {
    assertMalformed(new byte[] {0x08, (byte) 0x80}); // ir_version, continuation bit, then nothing
    assertMalformed(new byte[] {(byte) 0x80}); // a tag cut short
    assertMalformed(new byte[] {0x3A}); // graph tag without a length
    assertMalformed(new byte[] {0x3A, (byte) 0xFF, (byte) 0xFF}); // length cut short
  }

  @Test
  void varintTooLong() {
    byte[] bytes = new byte[12];
    Arrays.fill(bytes, (byte) 0xFF);
    bytes[0] = 0x08;
    assertMalformed(bytes);
  }

  @Test
  void lengthBeyondEnd() {
    assertMalformed(new byte[] {0x3A, 0x05, 0x01}); // graph of 5 bytes, 1 present
    assertMalformed(new byte[] {0x12, 0x7F, 'a'}); // producer_name of 127 bytes
    // A 10-byte varint length: 2^63 and more must not wrap to a negative int.
    assertMalformed(
        new byte[] {
          0x3A,
          (byte) 0x80,
          (byte) 0x80,
          (byte) 0x80,
          (byte) 0x80,
          (byte) 0x80,
          (byte) 0x80,
          (byte) 0x80,
          (byte) 0x80,
          (byte) 0x80,
          0x01
        });
    assertMalformed(new byte[] {0x3A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F});
    // Inside the graph: a node whose length exceeds the graph.
    assertMalformed(new byte[] {0x3A, 0x02, 0x0A, 0x05});
    // Inside a node: an input string longer than the node.
    assertMalformed(new byte[] {0x3A, 0x04, 0x0A, 0x02, 0x0A, 0x09});
  }

  @Test
  void truncatedFixedWidthFields() {
    assertMalformed(new byte[] {0x09, 1, 2, 3}); // fixed64 field with 3 bytes
    assertMalformed(new byte[] {0x0D, 1, 2}); // fixed32 field with 2 bytes
  }

  @Test
  void structuralErrors() {
    assertMalformed(new byte[] {0x08, 0x08}); // no graph
    assertMalformed(new byte[] {0x3A, 0x00, 0x3A, 0x00}); // two graphs
    assertMalformed(new byte[] {0x0B, 0x0C}); // group wire types
    assertMalformed(new byte[] {0x0F}); // wire type 7
    assertMalformed(new byte[] {0x00, 0x00}); // tag 0
  }

  @Test
  void everyTruncationInsideTheGraphIsMalformed() {
    byte[] valid = validModel();
    int[] graph = ModelRewriterTest.graphField(valid);
    for (int length = 0; length < valid.length; length++) {
      byte[] prefix = Arrays.copyOf(valid, length);
      if (length < graph[2]) {
        assertMalformed(prefix);
      } else {
        parseOrMalformed(prefix);
      }
    }
  }

  /** Runs the agent's whole read path; only success or MalformedModelException may come out. */
  private static boolean parseOrMalformed(byte[] bytes) {
    try {
      OnnxModel model = OnnxModel.parse(bytes);
      CapturePlan plan = AttentionGraphAnalyzer.analyze(model);
      byte[] rewritten = ModelRewriter.withExtraOutputs(bytes, model, plan.tensorNames());
      // A model the reader accepted and the rewriter extended must read again.
      OnnxModel again = OnnxModel.parse(rewritten);
      assertTrue(again.graphOutputs().containsAll(plan.tensorNames()));
      assertEquals(model.nodes().size(), again.nodes().size());
      return true;
    } catch (MalformedModelException expected) {
      return false;
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("unexpected " + e + " for bytes " + Arrays.toString(bytes), e);
    }
  }

  @Test
  void randomByteFlipsGiveSuccessOrMalformedModelException() {
    byte[] valid = validModel();
    Random random = new Random(20240611L);
    int malformed = 0;
    int parsed = 0;
    for (int iteration = 0; iteration < 20_000; iteration++) {
      byte[] bytes = valid.clone();
      int flips = 1 + random.nextInt(4);
      for (int f = 0; f < flips; f++) {
        int at = random.nextInt(bytes.length);
        switch (random.nextInt(3)) {
          case 0:
            bytes[at] ^= (byte) (1 << random.nextInt(8));
            break;
          case 1:
            bytes[at] = (byte) random.nextInt(256);
            break;
          default:
            bytes[at] = (byte) (random.nextBoolean() ? 0xFF : 0x80);
        }
      }
      if (parseOrMalformed(bytes)) {
        parsed++;
      } else {
        malformed++;
      }
    }
    // Both outcomes occur: the flips reach structure and payload alike.
    assertTrue(parsed > 0 && malformed > 0, parsed + " parsed, " + malformed + " malformed");
  }

  @Test
  void randomBytesGiveSuccessOrMalformedModelException() {
    Random random = new Random(7L);
    for (int iteration = 0; iteration < 5_000; iteration++) {
      byte[] bytes = new byte[random.nextInt(64)];
      random.nextBytes(bytes);
      parseOrMalformed(bytes);
    }
    // And random bytes wrapped in a well-formed graph field.
    for (int iteration = 0; iteration < 5_000; iteration++) {
      byte[] inner = new byte[random.nextInt(64)];
      random.nextBytes(inner);
      parseOrMalformed(new ProtoWriter().bytes(7, inner).toByteArray());
    }
  }

  @Test
  void nameOnlyOutputsAreRead() {
    // GraphProto with one output whose ValueInfoProto has no name: read as "".
    byte[] bytes =
        new ProtoWriter()
            .message(7, new ProtoWriter().message(12, new ProtoWriter()))
            .toByteArray();
    assertEquals(List.of(""), OnnxModel.parse(bytes).graphOutputs());
  }
}
