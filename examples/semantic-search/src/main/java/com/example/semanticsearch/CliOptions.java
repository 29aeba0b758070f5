package com.example.semanticsearch;

import java.util.ArrayList;
import java.util.List;

/**
 * Parsed command line.
 *
 * <pre>
 *   --query TEXT [--query TEXT ...] [--top K]      search and print results
 *   --serve [--host HOST] [--port PORT] [--top K]   run the HTTP service
 *   --help                                          print usage
 * </pre>
 *
 * Every option also accepts the {@code --name=value} form, which is the way to pass a value that
 * itself starts with {@code --}.
 */
public record CliOptions(Mode mode, List<String> queries, int top, String host, int port) {

  public enum Mode {
    SEARCH,
    SERVE,
    HELP
  }

  public static final int DEFAULT_TOP = 5;
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;

  public static final String USAGE =
      String.join(
          System.lineSeparator(),
          "usage: java -jar semantic-search.jar --query TEXT [--query TEXT ...] [--top K]",
          "       java -jar semantic-search.jar --serve [--host HOST] [--port PORT] [--top K]",
          "",
          "  --query TEXT  text to search for; may be repeated",
          "  --top K       number of results per query, a positive integer (default "
              + DEFAULT_TOP
              + ";",
          "                with --serve: the default k of /search, at most "
              + SearchServer.MAX_K
              + ")",
          "  --serve       run the HTTP service instead of searching once",
          "  --host HOST   address to listen on (default " + DEFAULT_HOST + ")",
          "  --port PORT   port to listen on, 0-65535, 0 picks a free port (default "
              + DEFAULT_PORT
              + ")",
          "  --help        print this message");

  public CliOptions {
    queries = List.copyOf(queries);
  }

  /** Parses {@code args}; never returns null. */
  public static CliOptions parse(String[] args) throws UsageException {
    List<String> queries = new ArrayList<>();
    Integer top = null;
    String host = null;
    Integer port = null;
    boolean serve = false;
    boolean help = false;

    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String inlineValue = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 2) {
        name = arg.substring(0, eq);
        inlineValue = arg.substring(eq + 1);
      }
      switch (name) {
        case "--help", "-h" -> {
          if (inlineValue != null) {
            throw new UsageException(name + " does not take a value, got '" + inlineValue + "'");
          }
          help = true;
        }
        case "--serve" -> {
          if (inlineValue != null) {
            throw new UsageException("--serve does not take a value, got '" + inlineValue + "'");
          }
          serve = true;
        }
        case "--query" -> {
          String value = inlineValue != null ? inlineValue : nextValue(args, i++, name);
          if (value.isBlank()) {
            throw new UsageException(
                "invalid value for --query: '" + value + "' (must not be empty)");
          }
          queries.add(value);
        }
        case "--top" -> {
          if (top != null) {
            throw new UsageException("--top given more than once");
          }
          String value = inlineValue != null ? inlineValue : nextValue(args, i++, name);
          top = parseInt(name, value, 1, Integer.MAX_VALUE, "a positive integer");
        }
        case "--host" -> {
          if (host != null) {
            throw new UsageException("--host given more than once");
          }
          String value = inlineValue != null ? inlineValue : nextValue(args, i++, name);
          if (value.isBlank() || !value.equals(value.strip())) {
            throw new UsageException(
                "invalid value for --host: '" + value + "' (expected a host name or IP address)");
          }
          host = value;
        }
        case "--port" -> {
          if (port != null) {
            throw new UsageException("--port given more than once");
          }
          String value = inlineValue != null ? inlineValue : nextValue(args, i++, name);
          port = parseInt(name, value, 0, 65535, "an integer from 0 to 65535");
        }
        default -> throw new UsageException("unknown argument: '" + arg + "'");
      }
    }

    if (help) {
      return new CliOptions(Mode.HELP, List.of(), DEFAULT_TOP, DEFAULT_HOST, DEFAULT_PORT);
    }
    if (serve) {
      if (!queries.isEmpty()) {
        throw new UsageException("--query cannot be combined with --serve");
      }
      if (top != null && top > SearchServer.MAX_K) {
        throw new UsageException(
            "invalid value for --top: '"
                + top
                + "' (with --serve it must be at most "
                + SearchServer.MAX_K
                + ")");
      }
      return new CliOptions(
          Mode.SERVE,
          List.of(),
          top != null ? top : DEFAULT_TOP,
          host != null ? host : DEFAULT_HOST,
          port != null ? port : DEFAULT_PORT);
    }
    if (host != null) {
      throw new UsageException("--host can only be used with --serve");
    }
    if (port != null) {
      throw new UsageException("--port can only be used with --serve");
    }
    if (queries.isEmpty()) {
      throw new UsageException("nothing to do: give at least one --query, or --serve");
    }
    return new CliOptions(
        Mode.SEARCH, queries, top != null ? top : DEFAULT_TOP, DEFAULT_HOST, DEFAULT_PORT);
  }

  private static String nextValue(String[] args, int i, String name) throws UsageException {
    if (i + 1 >= args.length) {
      throw new UsageException("missing value for " + name);
    }
    String value = args[i + 1];
    if (value.startsWith("--")) {
      throw new UsageException(
          "missing value for "
              + name
              + " (found option '"
              + value
              + "'; use "
              + name
              + "=VALUE for a value starting with --)");
    }
    return value;
  }

  private static int parseInt(String name, String value, int min, int max, String expected)
      throws UsageException {
    int n;
    try {
      n = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new UsageException(
          "invalid value for " + name + ": '" + value + "' (expected " + expected + ")");
    }
    if (n < min || n > max) {
      throw new UsageException(
          "invalid value for " + name + ": '" + value + "' (expected " + expected + ")");
    }
    return n;
  }
}
