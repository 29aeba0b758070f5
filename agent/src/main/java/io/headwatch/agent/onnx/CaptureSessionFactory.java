package io.headwatch.agent.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.headwatch.agent.onnx.graph.AttentionGraphAnalyzer;
import io.headwatch.agent.onnx.graph.CapturePlan;
import io.headwatch.agent.onnx.graph.ModelRewriter;
import io.headwatch.agent.onnx.graph.OnnxModel;
import io.headwatch.agent.util.AgentLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Prepares a model's capture session on the set-up thread: reads the model's graph (a memory-mapped
 * file or the application's own byte array, never a copy of the weights), finds what to capture,
 * writes the rewritten model to a temporary file and creates the session from it with options
 * configured like the application's. Returns null, with one log line saying why, when the model
 * cannot be captured.
 */
final class CaptureSessionFactory {
  private CaptureSessionFactory() {}

  static CaptureSession create(
      OrtEnvironment environment,
      ModelSource source,
      SessionOptionsRecorder.Recorded options,
      String model,
      long maxModelBytes) {
    Path rewritten = null;
    try {
      ByteBuffer bytes = source.bytes(maxModelBytes);
      if (bytes == null) {
        AgentLog.warnOnce(
            "onnx-size-" + model,
            "model "
                + model
                + " is larger than "
                + maxModelBytes
                + " bytes (headwatch.onnx.max_model_bytes); inference-level telemetry only",
            null);
        return null;
      }
      OnnxModel parsed = OnnxModel.parse(bytes);
      if (parsed.hasExternalData()) {
        AgentLog.warnOnce(
            "onnx-external-" + model,
            "model "
                + model
                + " keeps weights in external data files; attention capture is not supported"
                + " for it yet",
            null);
        return null;
      }
      CapturePlan plan = AttentionGraphAnalyzer.analyze(parsed);
      if (plan.isEmpty()) {
        String none =
            "model "
                + model
                + ": no attention softmax or layer found"
                + (plan.fusedAttentionNodes() > 0
                    ? " (" + plan.fusedAttentionNodes() + " fused attention operators hide them)"
                    : "")
                + "; inference-level telemetry only";
        AgentLog.infoOnce(none, none);
        return null;
      }
      rewritten = Files.createTempFile("headwatch-capture-", ".onnx");
      ModelRewriter.writeWithExtraOutputs(bytes, parsed, plan.tensorNames(), rewritten);
      bytes = null; // let the application's array go as soon as possible
      OrtSession.SessionOptions sessionOptions = options.create();
      String path = rewritten.toString();
      OrtSession session;
      try {
        session = OnnxShutdownGuard.asAgent(() -> environment.createSession(path, sessionOptions));
      } catch (Exception e) {
        sessionOptions.close();
        throw e;
      }
      // Once per model and plan: each new session of the model prepares its own capture session.
      String observing =
          "observing model "
              + model
              + ": "
              + plan.attention().size()
              + " attention layer(s), "
              + plan.hiddenStates().size()
              + " hidden state(s)";
      AgentLog.infoOnce(observing, observing);
      return new CaptureSession(session, sessionOptions, plan, parsed.maxPositions());
    } catch (java.nio.file.NoSuchFileException gone) {
      // The application removed its model file (a temporary copy, say) before the capture was
      // prepared in the background: nothing is wrong and nothing can be done.
      AgentLog.info(
          "model "
              + model
              + ": its file "
              + gone.getFile()
              + " was removed before attention capture could be prepared; inference-level"
              + " telemetry only");
      return null;
    } catch (Throwable t) {
      AgentLog.warnOnce(
          "onnx-capture-" + model,
          "could not prepare attention capture for model "
              + model
              + "; inference-level telemetry only",
          t);
      return null;
    } finally {
      if (rewritten != null) {
        try {
          Files.deleteIfExists(rewritten);
        } catch (IOException e) {
          AgentLog.debug("could not delete " + rewritten + ": " + e);
        }
      }
    }
  }

  /** Where the application's model came from: a file path or its bytes. */
  static final class ModelSource {
    final String path;
    private final byte[] array;

    private ModelSource(String path, byte[] array) {
      this.path = path;
      this.array = array;
    }

    static ModelSource of(Object model) {
      if (model instanceof String p) {
        return new ModelSource(p, null);
      }
      if (model instanceof byte[] a) {
        return new ModelSource(null, a);
      }
      if (model instanceof ByteBuffer b) {
        // A view, so that the application's buffer position and limit stay as they were.
        ByteBuffer view = b.duplicate();
        byte[] copy = new byte[view.remaining()];
        view.get(copy);
        return new ModelSource(null, copy);
      }
      return null;
    }

    /** The model's bytes, or null when there are more than {@code max}. */
    ByteBuffer bytes(long max) throws IOException {
      if (array != null) {
        return array.length > max ? null : ByteBuffer.wrap(array);
      }
      try (FileChannel file = FileChannel.open(Path.of(path), StandardOpenOption.READ)) {
        long size = file.size();
        if (size > max) {
          return null;
        }
        // Mapped, not read: only the pages the graph reader touches become resident.
        return file.map(FileChannel.MapMode.READ_ONLY, 0, size);
      }
    }

    /** The bytes as given by the application (null for a path). */
    byte[] array() {
      return array;
    }
  }
}
