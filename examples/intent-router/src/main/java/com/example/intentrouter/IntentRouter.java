package com.example.intentrouter;

import ai.djl.ModelException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Routes support messages to intents. all-MiniLM-L6-v2 runs on DJL's OnnxRuntime engine, the
 * HuggingFace tokenizer prepares its input, and a nearest-centroid classifier learnt at start-up
 * from the labelled examples in {@code intents.tsv} picks the intent.
 */
final class IntentRouter implements AutoCloseable {
  /** The name the application gives its model (DJL's {@code Criteria.optModelName}). */
  static final String MODEL_NAME = "intent-encoder";

  /** Examples are embedded this many at a time. */
  static final int TRAINING_BATCH = 16;

  static final int MAX_TOKENS = 128;

  private final ModelFiles files;
  private final HuggingFaceTokenizer tokenizer;
  private final ZooModel<String, float[]> model;
  private final Predictor<String, Classifications> router;
  private final IntentClassifier classifier;
  private final int examples;

  private IntentRouter(
      ModelFiles files,
      HuggingFaceTokenizer tokenizer,
      ZooModel<String, float[]> model,
      IntentClassifier classifier,
      int examples) {
    this.files = files;
    this.tokenizer = tokenizer;
    this.model = model;
    this.classifier = classifier;
    this.examples = examples;
    this.router =
        model.newPredictor(new IntentTranslator(new EmbeddingTranslator(tokenizer), classifier));
  }

  static IntentRouter load() throws IOException, ModelException, TranslateException {
    ModelFiles files = ModelFiles.extract();
    try {
      HuggingFaceTokenizer tokenizer =
          HuggingFaceTokenizer.builder()
              .optTokenizerPath(files.tokenizer)
              .optMaxLength(MAX_TOKENS)
              .optTruncation(true)
              .optPadding(false)
              .build();
      EmbeddingTranslator embedding = new EmbeddingTranslator(tokenizer);
      Criteria<String, float[]> criteria =
          Criteria.builder()
              .setTypes(String.class, float[].class)
              .optEngine("OnnxRuntime")
              .optModelPath(files.modelDir)
              .optModelName(MODEL_NAME)
              .optTranslator(embedding)
              .build();
      ZooModel<String, float[]> model = criteria.loadModel();
      List<String[]> labelled = readExamples();
      List<String> labels = new ArrayList<>();
      List<String> texts = new ArrayList<>();
      for (String[] row : labelled) {
        labels.add(row[0]);
        texts.add(row[1]);
      }
      List<float[]> embeddings = new ArrayList<>();
      try (Predictor<String, float[]> embedder = model.newPredictor()) {
        for (int i = 0; i < texts.size(); i += TRAINING_BATCH) {
          embeddings.addAll(
              embedder.batchPredict(texts.subList(i, Math.min(texts.size(), i + TRAINING_BATCH))));
        }
      }
      return new IntentRouter(
          files, tokenizer, model, IntentClassifier.train(labels, embeddings), texts.size());
    } catch (IOException | ModelException | TranslateException | RuntimeException e) {
      files.close();
      throw e;
    }
  }

  static List<String[]> readExamples() throws IOException {
    List<String[]> rows = new ArrayList<>();
    try (InputStream in = IntentRouter.class.getResourceAsStream("/intents.tsv");
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("\t", 2);
        if (parts.length != 2) {
          throw new IOException("intents.tsv: expected intent<TAB>utterance, got: " + line);
        }
        rows.add(parts);
      }
    }
    return rows;
  }

  /** The intents with their probabilities, best first. */
  Classifications route(String message) throws TranslateException {
    return router.predict(message);
  }

  List<String> intents() {
    return classifier.intents();
  }

  int examples() {
    return examples;
  }

  @Override
  public void close() {
    router.close();
    model.close();
    tokenizer.close();
    files.close();
  }
}
