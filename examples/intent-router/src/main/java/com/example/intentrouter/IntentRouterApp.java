package com.example.intentrouter;

import ai.djl.modality.Classifications;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Command line: {@code java -jar intent-router.jar [--message TEXT]...}; without messages, reads
 * one message per line from standard input. Prints, per message, the intent, its confidence and the
 * runner-up.
 */
public final class IntentRouterApp {
  private IntentRouterApp() {}

  public static void main(String[] args) throws Exception {
    List<String> messages = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--message") && i + 1 < args.length) {
        messages.add(args[++i]);
      } else if (args[i].equals("--help")) {
        System.out.println("usage: intent-router [--message TEXT]...  (or messages on stdin)");
        return;
      } else {
        System.err.println("unknown argument: " + args[i] + " (try --help)");
        System.exit(2);
      }
    }
    try (IntentRouter router = IntentRouter.load()) {
      System.out.println(
          "intents: "
              + String.join(", ", router.intents())
              + " (learnt from "
              + router.examples()
              + " examples)");
      if (messages.isEmpty()) {
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
          if (!line.isBlank()) {
            print(line, router.route(line));
          }
        }
      } else {
        for (String message : messages) {
          print(message, router.route(message));
        }
      }
    }
  }

  static void print(String message, Classifications result) {
    List<Classifications.Classification> top = result.topK(2);
    System.out.println("message: " + message);
    System.out.println(
        String.format(
            Locale.ROOT,
            "  intent: %s (confidence %.4f; runner-up %s %.4f)",
            top.get(0).getClassName(),
            top.get(0).getProbability(),
            top.get(1).getClassName(),
            top.get(1).getProbability()));
  }
}
