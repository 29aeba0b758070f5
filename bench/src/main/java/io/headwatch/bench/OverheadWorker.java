package io.headwatch.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A child JVM of {@link OverheadBenchmark}: an ordinary ONNX Runtime application holding
 * all-MiniLM-L6-v2, started with or without the agent. It answers commands on standard input:
 * {@code run TOKENS COUNT} runs COUNT inferences of one sequence of TOKENS tokens and prints the
 * mean latency and the mean CPU time of the calling thread per inference, in nanoseconds (the CPU
 * time is what the agent's work on the inference thread adds to, without the scheduling noise of
 * wall time on a shared machine); {@code quit} exits.
 */
public final class OverheadWorker {
  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    long start = System.nanoTime();
    byte[] model;
    try (InputStream in =
        OverheadWorker.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
      model = in.readAllBytes();
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
    // First inference: part of start-up, as an application's first request would be.
    run(env, session, inputs(16), 1);
    System.out.println("ready " + (System.nanoTime() - start));
    BufferedReader commands =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = commands.readLine()) != null) {
      String[] parts = line.trim().split("\\s+");
      if (parts[0].equals("quit")) {
        break;
      }
      int tokens = Integer.parseInt(parts[1]);
      int count = Integer.parseInt(parts[2]);
      long[][] in = inputs(tokens);
      long cpuBefore = THREADS.getCurrentThreadCpuTime();
      long nanos = run(env, session, in, count);
      long cpu = THREADS.getCurrentThreadCpuTime() - cpuBefore;
      System.out.println("mean " + nanos / count + " " + cpu / count);
    }
    session.close();
  }

  /** Fixed pseudo-random token ids (seeded by length): [CLS] ids... [SEP], all valid. */
  static long[][] inputs(int tokens) {
    SplittableRandom random = new SplittableRandom(tokens);
    long[] ids = new long[tokens];
    for (int i = 0; i < tokens; i++) {
      ids[i] = 1000 + random.nextInt(28000);
    }
    ids[0] = 101;
    ids[tokens - 1] = 102;
    long[] mask = new long[tokens];
    java.util.Arrays.fill(mask, 1);
    return new long[][] {ids, mask, new long[tokens]};
  }

  private static long run(OrtEnvironment env, OrtSession session, long[][] in, int count)
      throws Exception {
    long total = 0;
    for (int i = 0; i < count; i++) {
      try (OnnxTensor ids = tensor(env, in[0]);
          OnnxTensor mask = tensor(env, in[1]);
          OnnxTensor types = tensor(env, in[2])) {
        long t0 = System.nanoTime();
        try (OrtSession.Result ignored =
            session.run(
                Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
          total += System.nanoTime() - t0;
        }
      }
    }
    return total;
  }

  private static OnnxTensor tensor(OrtEnvironment env, long[] values) throws Exception {
    return OnnxTensor.createTensor(env, LongBuffer.wrap(values), new long[] {1, values.length});
  }
}
