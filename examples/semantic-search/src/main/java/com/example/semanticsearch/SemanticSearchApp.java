package com.example.semanticsearch;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Semantic search over a small bundled knowledge base, using the all-MiniLM-L6-v2 sentence
 * embedding model (run in-process through ONNX Runtime).
 *
 * <p>Search once from the command line:
 *
 * <pre>java -jar semantic-search.jar --query "how do I get my money back" --top 3</pre>
 *
 * or run a small HTTP service:
 *
 * <pre>java -jar semantic-search.jar --serve --port 8080</pre>
 */
public final class SemanticSearchApp {

  /** Exit code for success. */
  public static final int EXIT_OK = 0;

  /** Exit code for a failure at run time (for example, the port is already in use). */
  public static final int EXIT_FAILURE = 1;

  /** Exit code for unusable command-line arguments. */
  public static final int EXIT_USAGE = 2;

  private SemanticSearchApp() {}

  public static void main(String[] args) {
    if (System.getProperty("slf4j.internal.verbosity") == null) {
      // no logging backend is bundled; keep SLF4J's "no providers" notice off the console
      System.setProperty("slf4j.internal.verbosity", "ERROR");
    }
    PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    PrintStream err =
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    int code = run(args, out, err);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs the application and returns its exit code. In {@code --serve} mode this blocks until the
   * JVM is asked to shut down (for example by SIGTERM or Ctrl-C).
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CliOptions options;
    try {
      options = CliOptions.parse(args);
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println(CliOptions.USAGE);
      return EXIT_USAGE;
    }
    if (options.mode() == CliOptions.Mode.HELP) {
      out.println(CliOptions.USAGE);
      out.flush();
      return EXIT_OK;
    }

    SemanticIndex index;
    try {
      index = buildIndex(err);
    } catch (RuntimeException e) {
      err.println("error: could not build the search index: " + e);
      return EXIT_FAILURE;
    }

    if (options.mode() == CliOptions.Mode.SEARCH) {
      for (String query : options.queries()) {
        printResults(out, query, index.search(query, options.top()));
      }
      out.flush();
      return EXIT_OK;
    }
    return serve(index, options, out, err);
  }

  /** Loads the model and the bundled corpus and embeds every sentence once. */
  static SemanticIndex buildIndex(PrintStream err) {
    long t0 = System.nanoTime();
    List<Document> corpus = Corpus.loadDefault();
    EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();
    long modelMillis = (System.nanoTime() - t0) / 1_000_000L;
    SemanticIndex index = SemanticIndex.build(model, corpus);
    err.println(
        "indexed "
            + index.size()
            + " sentences in "
            + (modelMillis + index.buildMillis())
            + " ms (model load "
            + modelMillis
            + " ms, embedding "
            + index.buildMillis()
            + " ms)");
    return index;
  }

  /**
   * Prints {@code query: TEXT} followed by one {@code rank<TAB>score<TAB>id<TAB>sentence} line per
   * hit.
   */
  static void printResults(PrintStream out, String query, List<SearchResult> results) {
    out.println("query: " + query);
    for (SearchResult r : results) {
      out.println(r.rank() + "\t" + Double.toString(r.score()) + "\t" + r.id() + "\t" + r.text());
    }
  }

  private static int serve(
      SemanticIndex index, CliOptions options, PrintStream out, PrintStream err) {
    SearchServer server;
    try {
      server = SearchServer.start(index, options.host(), options.port(), options.top(), err);
    } catch (IOException | RuntimeException e) {
      err.println(
          "error: cannot listen on "
              + options.host()
              + ":"
              + options.port()
              + ": "
              + e.getMessage());
      return EXIT_FAILURE;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  err.println("shutting down");
                  server.close();
                  stopped.countDown();
                },
                "shutdown"));

    out.println("listening on " + server.url());
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
    return EXIT_OK;
  }
}
