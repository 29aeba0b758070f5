package io.headwatch.bench.faults;

import io.headwatch.agent.stats.AttentionStatistics;
import io.headwatch.collector.verdict.InputFact;
import io.headwatch.collector.verdict.Kind;
import io.headwatch.collector.verdict.PredictionStatistics;
import io.headwatch.collector.verdict.Status;
import io.headwatch.collector.verdict.Suspect;
import io.headwatch.collector.verdict.Verdict;
import io.headwatch.collector.verdict.VerdictEngine;
import io.headwatch.collector.verdict.VerdictSettings;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fault-injection evaluation of the collector's verdicts (issue 12), on the real
 * all-MiniLM-L6-v2 run in-process by ONNX Runtime.
 *
 * <ol>
 *   <li>A baseline: the clean model judges the baseline traffic; every clean prediction joins the
 *       model's baseline, exactly as live traffic would.
 *   <li>False alarms: held-out clean traffic (other sentences) judged against that baseline, which
 *       stays frozen from here on.
 *   <li>Input shifts: odd inputs through the clean model; they should be blamed on the input.
 *   <li>Faults: copies of the model with one fault written into its weights; held-out traffic
 *       through each. Localisation: is the faulted head among the top 3 suspects; for NaN and
 *       value-path faults, is the first suspect in the faulted layer.
 * </ol>
 *
 * <p>Usage (after {@code mvn -Pbench -pl bench -am package -DskipTests}): {@code java -cp
 * bench/target/benchmarks.jar io.headwatch.bench.faults.VerdictEvaluation [--per-fault 150] [--odd
 * 20]}
 */
public final class VerdictEvaluation {
  private static final String MODEL = "all-MiniLM-L6-v2";

  /** The faults evaluated: layers and heads spread over the model, strong and weak. */
  static final List<Fault> FAULTS =
      List.of(
          Fault.queryScale(0, 3, 0f),
          Fault.queryScale(2, 5, 0f),
          Fault.queryScale(4, 10, 0f),
          Fault.queryScale(1, 7, 4f),
          Fault.queryScale(3, 2, 4f),
          Fault.queryScale(5, 0, 4f),
          Fault.queryScale(2, 8, 0.25f),
          Fault.queryScale(5, 9, 0.25f),
          Fault.valueScale(1, 4, 4f),
          Fault.valueScale(3, 7, 4f),
          Fault.valueScale(2, 1, 0f),
          Fault.valueScale(5, 4, 3f),
          Fault.nanQuery(2, 1),
          Fault.nanQuery(5, 6),
          Fault.nanFfn(0),
          Fault.nanFfn(3));

  private VerdictEvaluation() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    int perFault = Integer.parseInt(options.getOrDefault("per-fault", "150"));
    int perOdd = Integer.parseInt(options.getOrDefault("odd", "20"));
    VerdictSettings settings = VerdictSettings.defaults();
    double threshold = settings.threshold();

    byte[] base;
    try (InputStream in =
        VerdictEvaluation.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
      if (in == null) {
        throw new IllegalStateException("all-minilm-l6-v2.onnx is not on the class path");
      }
      base = in.readAllBytes();
    }
    WordPieceTokenizer tokenizer = WordPieceTokenizer.miniLm();
    List<String> baselineSentences = EvaluationInputs.sentences("verdicts/baseline.txt");
    List<String> heldOutSentences = EvaluationInputs.sentences("verdicts/heldout.txt");
    List<String> baseline = EvaluationInputs.traffic(baselineSentences, 150, 11);
    List<String> heldOut = EvaluationInputs.traffic(heldOutSentences, 75, 12);
    Map<String, List<String>> odd = EvaluationInputs.odd(heldOutSentences, perOdd, tokenizer, 13);

    System.out.printf(
        Locale.ROOT,
        "Verdict evaluation: %s through ONNX Runtime, threshold %s (tail probability)%n%n",
        MODEL,
        threshold);
    VerdictEngine engine = new VerdictEngine(settings);
    OnnxModelEditor clean = OnnxModelEditor.of(base);
    TransformerLayout layout = TransformerLayout.of(clean);
    int heads;
    List<Verdict> heldOutVerdicts = new ArrayList<>();
    Map<String, List<Verdict>> oddVerdicts = new LinkedHashMap<>();
    long start = System.nanoTime();
    try (ModelProbe probe = new ModelProbe(clean, layout)) {
      int minTokens = Integer.MAX_VALUE;
      int maxTokens = 0;
      int warming = 0;
      int h = 0;
      for (String text : baseline) {
        PredictionFeatures f = probe.run(tokenizer.encode(text));
        h = f.heads();
        minTokens = Math.min(minTokens, f.tokens());
        maxTokens = Math.max(maxTokens, f.tokens());
        Verdict v = engine.judge(MODEL, statistics(f));
        if (v.status() == Status.WARMING_UP) {
          warming++;
        }
      }
      heads = h;
      System.out.printf(
          Locale.ROOT,
          "Baseline: %d clean predictions (%d sentences + 150 passages), %d..%d tokens;"
              + " %d judged while warming up; baseline size %d%n%n",
          baseline.size(),
          baselineSentences.size(),
          minTokens,
          maxTokens,
          warming,
          engine.baselineSize(MODEL));
      for (String text : heldOut) {
        heldOutVerdicts.add(engine.score(MODEL, statistics(probe.run(tokenizer.encode(text)))));
      }
      for (Map.Entry<String, List<String>> e : odd.entrySet()) {
        List<Verdict> vs = new ArrayList<>();
        for (String text : e.getValue()) {
          vs.add(engine.score(MODEL, statistics(probe.run(tokenizer.encode(text)))));
        }
        oddVerdicts.put(e.getKey(), vs);
      }
    }
    reportClean(heldOutVerdicts, threshold);
    reportOdd(oddVerdicts);

    System.out.printf(
        Locale.ROOT,
        "Faults (%d held-out predictions each; localisation over all faulted predictions, and over"
            + " the flagged ones):%n%n",
        Math.min(perFault, heldOut.size()));
    System.out.println(
        "| fault | anomalous (p <= 0.001) | p <= 0.01 | blamed on model | faulted head in top 3"
            + " | same, flagged only | first suspect in faulted layer | most common first suspect |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    Verdict example = null;
    String exampleFault = null;
    for (Fault fault : FAULTS) {
      OnnxModelEditor faulted = OnnxModelEditor.of(base);
      fault.apply(faulted, layout, heads);
      List<Verdict> vs = new ArrayList<>();
      try (ModelProbe probe = new ModelProbe(faulted, layout)) {
        for (String text : heldOut.subList(0, Math.min(perFault, heldOut.size()))) {
          vs.add(engine.score(MODEL, statistics(probe.run(tokenizer.encode(text)))));
        }
      }
      reportFault(fault, vs);
      if (example == null && fault.kind() == Fault.Kind.QUERY_SCALE && fault.factor() == 0f) {
        for (Verdict v : vs) {
          if (v.anomalous() && v.kind() == Kind.MODEL) {
            example = v;
            exampleFault = fault.label();
            break;
          }
        }
      }
    }
    if (example != null) {
      System.out.println();
      System.out.println(
          "Worked example: a prediction of the model with fault '" + exampleFault + "'");
      System.out.println(describe(example));
    }
    System.out.printf(Locale.ROOT, "%nTotal time %.0f s%n", (System.nanoTime() - start) / 1e9);
  }

  /** The snapshot a prediction's features would make, as the verdict library takes it. */
  static PredictionStatistics statistics(PredictionFeatures f) {
    Map<String, double[]> attention = new HashMap<>();
    for (int s = 0; s < AttentionStatistics.COUNT; s++) {
      attention.put(AttentionStatistics.name(s), f.attention()[s]);
    }
    Map<String, double[]> activation = new HashMap<>();
    for (int s = 0; s < PredictionFeatures.ACTIVATION_NAMES.length; s++) {
      activation.put(PredictionFeatures.ACTIVATION_NAMES[s], f.activation()[s]);
    }
    return new PredictionStatistics(
        f.layers(),
        f.heads(),
        f.tokens(),
        f.truncated(),
        f.unknownTokens(),
        attention,
        f.headOutputNorm(),
        activation);
  }

  private static void reportClean(List<Verdict> vs, double threshold) {
    int n = vs.size();
    long anomalous = vs.stream().filter(Verdict::anomalous).count();
    long model = vs.stream().filter(v -> v.kind() == Kind.MODEL).count();
    long input = vs.stream().filter(v -> v.kind() == Kind.INPUT).count();
    long at01 = vs.stream().filter(v -> v.tailProbability() <= 0.01).count();
    long notScored = vs.stream().filter(v -> v.status() != Status.SCORED).count();
    System.out.printf(
        Locale.ROOT,
        "Clean held-out traffic: %d predictions; anomalous %d (%.2f %%): blamed on the model %d,"
            + " on the input %d; model tail probability <= 0.01: %d (%.2f %%); not scored %d%n%n",
        n,
        anomalous,
        100.0 * anomalous / n,
        model,
        input,
        at01,
        100.0 * at01 / n,
        notScored);
  }

  private static void reportOdd(Map<String, List<Verdict>> odd) {
    System.out.println("Odd inputs through the clean model:");
    System.out.println();
    System.out.println(
        "| inputs | count | anomalous | blamed on the input | blamed on the model | unusual facts |");
    System.out.println("|---|---|---|---|---|---|");
    for (Map.Entry<String, List<Verdict>> e : odd.entrySet()) {
      List<Verdict> vs = e.getValue();
      long anomalous = vs.stream().filter(Verdict::anomalous).count();
      long input = vs.stream().filter(v -> v.kind() == Kind.INPUT).count();
      long model = vs.stream().filter(v -> v.kind() == Kind.MODEL).count();
      Map<String, Integer> facts = new LinkedHashMap<>();
      for (Verdict v : vs) {
        if (v.input() != null) {
          if (!v.input().comparable()) {
            facts.merge("not comparable in length", 1, Integer::sum);
          }
          for (InputFact f : v.input().facts()) {
            if (f.unusual()) {
              facts.merge(f.name(), 1, Integer::sum);
            }
          }
        }
      }
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %d | %d | %d | %s |%n",
          e.getKey(),
          vs.size(),
          anomalous,
          input,
          model,
          facts.isEmpty() ? "-" : facts.toString());
    }
    System.out.println();
  }

  private static void reportFault(Fault fault, List<Verdict> vs) {
    int n = vs.size();
    int anomalous = 0;
    int at01 = 0;
    int model = 0;
    int top3 = 0;
    int flaggedTop3 = 0;
    int firstLayer = 0;
    Map<String, Integer> firsts = new HashMap<>();
    for (Verdict v : vs) {
      boolean flagged = v.anomalous();
      if (flagged) {
        anomalous++;
      }
      if (v.tailProbability() <= 0.01) {
        at01++;
      }
      if (v.kind() == Kind.MODEL) {
        model++;
      }
      List<Suspect> s = v.suspects();
      boolean hit = false;
      for (int i = 0; i < Math.min(3, s.size()); i++) {
        if (s.get(i).layer() == fault.layer() && s.get(i).head() == fault.head()) {
          hit = true;
        }
      }
      if (hit) {
        top3++;
        if (flagged) {
          flaggedTop3++;
        }
      }
      if (!s.isEmpty()) {
        Suspect first = s.get(0);
        if (first.layer() == fault.layer()) {
          firstLayer++;
        }
        firsts.merge(name(first), 1, Integer::sum);
      }
    }
    String common =
        firsts.entrySet().stream()
            .max(Map.Entry.comparingByValue())
            .map(e -> e.getKey() + " (" + e.getValue() + ")")
            .orElse("-");
    boolean headFault = fault.head() >= 0;
    System.out.printf(
        Locale.ROOT,
        "| %s | %s | %s | %s | %s | %s | %s | %s |%n",
        fault.label(),
        share(anomalous, n),
        share(at01, n),
        share(model, n),
        headFault ? share(top3, n) : "-",
        headFault ? (anomalous == 0 ? "-" : share(flaggedTop3, anomalous)) : "-",
        share(firstLayer, n),
        common);
  }

  private static String share(int k, int n) {
    return String.format(Locale.ROOT, "%.1f %% (%d/%d)", 100.0 * k / n, k, n);
  }

  private static String name(Suspect s) {
    return "L"
        + s.layer()
        + (s.head() >= 0 ? "H" + s.head() : "")
        + " "
        + s.site().apiName()
        + " "
        + s.statistic();
  }

  /** A verdict as the API would show it (JSON-like, numbers rounded). */
  static String describe(Verdict v) {
    StringBuilder out = new StringBuilder();
    out.append("{\n");
    out.append("  \"status\": \"").append(v.status().apiName()).append("\",\n");
    out.append("  \"anomalous\": ").append(v.anomalous()).append(",\n");
    out.append("  \"kind\": \"").append(v.kind().apiName()).append("\",\n");
    out.append("  \"score\": ").append(num(v.score())).append(",\n");
    out.append("  \"tail_probability\": ").append(num(v.tailProbability())).append(",\n");
    out.append("  \"threshold\": ").append(num(v.threshold())).append(",\n");
    out.append("  \"baseline_predictions\": ").append(v.baselinePredictions()).append(",\n");
    out.append("  \"suspects\": [\n");
    List<Suspect> s = v.suspects();
    for (int i = 0; i < Math.min(5, s.size()); i++) {
      Suspect x = s.get(i);
      out.append("    {\"layer\": ")
          .append(x.layer())
          .append(", \"head\": ")
          .append(x.head() < 0 ? "null" : String.valueOf(x.head()))
          .append(", \"site\": \"")
          .append(x.site().apiName())
          .append("\", \"statistic\": \"")
          .append(x.statistic())
          .append("\", \"value\": ")
          .append(num(x.value()))
          .append(", \"expected\": ")
          .append(num(x.expected()))
          .append(", \"deviation\": ")
          .append(num(x.deviation()))
          .append(", \"surprise\": ")
          .append(num(x.surprise()))
          .append("}")
          .append(i + 1 < Math.min(5, s.size()) ? ",\n" : "\n");
    }
    out.append("  ],\n");
    if (v.input() != null) {
      out.append("  \"input\": {\"unusual\": ")
          .append(v.input().unusual())
          .append(", \"comparable\": ")
          .append(v.input().comparable())
          .append(", \"facts\": [\n");
      List<InputFact> facts = v.input().facts();
      for (int i = 0; i < facts.size(); i++) {
        InputFact f = facts.get(i);
        out.append("    {\"fact\": \"")
            .append(f.name())
            .append("\", \"value\": ")
            .append(num(f.value()))
            .append(", \"expected\": ")
            .append(num(f.expected()))
            .append(", \"tail_probability\": ")
            .append(num(f.tailProbability()))
            .append(", \"unusual\": ")
            .append(f.unusual())
            .append("}")
            .append(i + 1 < facts.size() ? ",\n" : "\n");
      }
      out.append("  ]}\n");
    }
    out.append("}");
    return out.toString();
  }

  private static String num(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return "null";
    }
    if (d != 0 && Math.abs(d) < 1e-3) {
      return String.format(Locale.ROOT, "%.2e", d);
    }
    return String.format(Locale.ROOT, "%.4g", d)
        .replaceAll("(\\.\\d*?)0+$", "$1")
        .replaceAll("\\.$", "");
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "usage: VerdictEvaluation [--per-fault N] [--odd N]; got " + Arrays.toString(args));
      }
      out.put(args[i].substring(2), args[++i]);
    }
    return out;
  }
}
