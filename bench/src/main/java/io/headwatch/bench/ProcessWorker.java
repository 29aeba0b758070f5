package io.headwatch.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A child JVM of {@link ProcessBenchmark}: a whole, short-lived ONNX Runtime application, run with
 * or without the agent, whose wall time and peak RSS the parent measures from outside.
 *
 * <ul>
 *   <li>{@code oneshot MODEL TOKENS}: load the model, run one inference, close, exit (a
 *       command-line tool embedding one sentence).
 *   <li>{@code churn MODEL CYCLES INFERENCES TOKENS}: CYCLES times, open a session, run INFERENCES
 *       inferences and close it; prints the process's RSS and thread count after the first, the
 *       middle and the last cycle, so growth with the number of cycles shows.
 * </ul>
 *
 * MODEL is a class-path resource (the ONNX file inside a langchain4j embeddings jar).
 */
public final class ProcessWorker {
  private ProcessWorker() {}

  public static void main(String[] args) throws Exception {
    byte[] model;
    try (InputStream in = ProcessWorker.class.getClassLoader().getResourceAsStream(args[1])) {
      if (in == null) {
        throw new IllegalArgumentException("no class-path resource " + args[1]);
      }
      model = in.readAllBytes();
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    if (args[0].equals("oneshot")) {
      try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
        run(env, session, Integer.parseInt(args[2]));
      }
      return;
    }
    int cycles = Integer.parseInt(args[2]);
    int inferences = Integer.parseInt(args[3]);
    int tokens = Integer.parseInt(args[4]);
    for (int c = 1; c <= cycles; c++) {
      try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
        for (int i = 0; i < inferences; i++) {
          run(env, session, tokens);
        }
      }
      if (c == 1 || c == cycles / 2 || c == cycles) {
        System.out.println(
            "cycle "
                + c
                + " rss_kb "
                + rssKb()
                + " threads "
                + ManagementFactory.getThreadMXBean().getThreadCount());
      }
    }
  }

  private static void run(OrtEnvironment env, OrtSession session, int tokens) throws Exception {
    long[][] in = OverheadWorker.inputs(tokens);
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      for (String name : session.getInputNames()) {
        long[] values = name.contains("mask") ? in[1] : name.contains("type") ? in[2] : in[0];
        inputs.put(
            name,
            OnnxTensor.createTensor(env, LongBuffer.wrap(values), new long[] {1, values.length}));
      }
      try (OrtSession.Result ignored = session.run(inputs)) {
        // the outputs are not used: only the cost of producing them is measured
      }
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
