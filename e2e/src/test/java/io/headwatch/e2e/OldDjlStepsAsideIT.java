package io.headwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An application on an older DJL (0.28.0, outside the supported range) under the agent: the agent
 * says so in one line and leaves DJL alone; the application's output is the same as without the
 * agent; the ONNX Runtime session DJL runs is still observed, as an ONNX Runtime record.
 */
class OldDjlStepsAsideIT {
  private static ChildJvm withoutAgent;
  private static ChildJvm withAgent;
  private static OtlpReceiver receiver;

  @BeforeAll
  static void runBoth() throws Exception {
    File oldDjl = new File(ChildJvm.requiredProperty("old-djl.dir"));
    File[] jars = oldDjl.listFiles((dir, name) -> name.endsWith(".jar"));
    assertTrue(jars != null && jars.length == 2, "old DJL jars in " + oldDjl);
    List<String> entries = new ArrayList<>();
    entries.add(System.getProperty("basedir", ".") + "/target/test-classes");
    for (File jar : jars) {
      entries.add(jar.getPath());
    }
    // DJL's own dependencies (gson, jna, commons-compress, slf4j), without the current DJL.
    entries.addAll(
        Stream.of(ChildJvm.requiredProperty("djl.classpath").split(File.pathSeparator))
            .filter(p -> !p.contains(File.separator + "djl" + File.separator))
            .collect(Collectors.toList()));
    entries.add(ChildJvm.requiredProperty("onnxruntime.jar"));
    entries.add(ChildJvm.requiredProperty("minilm.jar"));
    List<String> main =
        List.of("-cp", String.join(File.pathSeparator, entries), OldDjlApp.class.getName());
    withoutAgent = ChildJvm.run(DjlChild.jvmArgs(), main, Map.of(), 180);
    receiver = new OtlpReceiver();
    List<String> jvm = new ArrayList<>(DjlChild.jvmArgs());
    jvm.add("-javaagent:" + ChildJvm.agentJar() + "=sampling.rate=1.0,overhead.budget=none");
    withAgent = ChildJvm.run(jvm, main, ChildJvm.otlpEnvironment(receiver, "old-djl-e2e"), 180);
    receiver.close();
  }

  @Test
  void applicationRunsNormally() {
    assertEquals(0, withoutAgent.exitCode, withoutAgent.toString());
    assertEquals(0, withAgent.exitCode, withAgent.toString());
    assertTrue(withoutAgent.stdout.contains("djl 0.28.0"), withoutAgent.stdout);
    assertTrue(withoutAgent.stdout.contains("output (2, 9, 384) sha256: "), withoutAgent.stdout);
    assertEquals(withoutAgent.stdout, withAgent.stdout);
  }

  @Test
  void agentLogsOneLineAndLeavesDjlAlone() {
    List<String> warnings =
        withAgent
            .stderr
            .lines()
            .filter(l -> l.startsWith("[headwatch] WARN"))
            .collect(Collectors.toList());
    assertEquals(
        List.of(
            "[headwatch] WARN DJL 0.28.0 is outside the supported range 0.36.x;"
                + " DJL is not observed (ONNX Runtime calls it makes still are)"),
        warnings,
        withAgent.stderr);
    assertTrue(receiver.errors.isEmpty(), receiver.errors.toString());
    // The ONNX Runtime instrumentation still sees the session DJL created: one record of its own.
    List<Span> spans = receiver.spans();
    assertEquals(1, spans.size(), spans.toString());
    assertEquals("embeddings all-minilm-l6-v2", spans.get(0).getName());
    assertEquals(
        "2", OtlpReceiver.attribute(spans.get(0).getAttributesList(), "headwatch.batch_size"));
  }
}
