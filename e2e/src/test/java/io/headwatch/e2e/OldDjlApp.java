package io.headwatch.e2e;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An ordinary DJL application, started in a child JVM with whatever DJL the test puts on its class
 * path (an older one, which the agent does not support): all-MiniLM-L6-v2 on DJL's OnnxRuntime
 * engine, one prediction on fixed token ids. Prints the DJL version and a digest of the output
 * bits. Uses only DJL API that is the same in 0.28 and 0.36.
 */
public final class OldDjlApp {
  private OldDjlApp() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("old-djl-app");
    Path modelDir = Files.createDirectory(dir.resolve("all-minilm-l6-v2"));
    Path modelFile = modelDir.resolve("all-minilm-l6-v2.onnx");
    try (InputStream in =
        OldDjlApp.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
      Files.copy(in, modelFile);
    }
    try {
      System.out.println("djl " + ai.djl.engine.Engine.getDjlVersion());
      Criteria<NDList, NDList> criteria =
          Criteria.builder()
              .setTypes(NDList.class, NDList.class)
              .optEngine("OnnxRuntime")
              .optModelPath(modelDir)
              .optTranslator(new NoopTranslator())
              .build();
      try (ZooModel<NDList, NDList> model = criteria.loadModel();
          Predictor<NDList, NDList> predictor = model.newPredictor();
          NDManager manager = NDManager.newBaseManager("OnnxRuntime")) {
        NDArray ids = manager.create(FixedInputs.INPUT_IDS);
        ids.setName("input_ids");
        NDArray mask = manager.create(FixedInputs.ATTENTION_MASK);
        mask.setName("attention_mask");
        NDArray types = manager.create(new long[2][FixedInputs.INPUT_IDS[0].length]);
        types.setName("token_type_ids");
        NDList out = predictor.predict(new NDList(ids, mask, types));
        System.out.println(
            "output "
                + out.head().getShape()
                + " sha256: "
                + DjlTransformerApp.digest(out.head().toFloatArray()));
      }
    } finally {
      Files.deleteIfExists(modelFile);
      Files.deleteIfExists(modelDir);
      Files.deleteIfExists(dir);
    }
  }
}
