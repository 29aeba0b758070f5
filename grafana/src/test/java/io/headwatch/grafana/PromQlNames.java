package io.headwatch.grafana;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The metric names a PromQL expression selects: identifiers that are not functions, aggregation
 * operators, keywords, label names (inside {@code {…}} or the label lists of {@code by}, {@code
 * without}, {@code on}, {@code ignoring}, {@code group_left}, {@code group_right}), durations,
 * numbers or strings. Small on purpose: it covers the PromQL the dashboards and rules use, and
 * fails loudly on what it does not understand.
 */
final class PromQlNames {
  private static final Set<String> AGGREGATIONS =
      Set.of(
          "sum",
          "avg",
          "min",
          "max",
          "count",
          "stddev",
          "stdvar",
          "topk",
          "bottomk",
          "quantile",
          "count_values",
          "group");
  private static final Set<String> LABEL_LISTS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "offset", "bool", "atan2", "inf", "nan", "Inf", "NaN");

  private PromQlNames() {}

  static Set<String> metricNames(String expr) {
    Set<String> names = new LinkedHashSet<>();
    int i = 0;
    int n = expr.length();
    while (i < n) {
      char c = expr.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = skipString(expr, i);
      } else if (c == '{') {
        i = skipTo(expr, i, '}');
      } else if (c == '[') {
        i = skipTo(expr, i, ']');
      } else if (Character.isDigit(c)
          || (c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1)))) {
        while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) {
          i++;
        }
      } else if (Character.isLetter(c) || c == '_' || c == ':') {
        int start = i;
        while (i < n
            && (Character.isLetterOrDigit(expr.charAt(i))
                || expr.charAt(i) == '_'
                || expr.charAt(i) == ':')) {
          i++;
        }
        String word = expr.substring(start, i);
        int next = i;
        while (next < n && Character.isWhitespace(expr.charAt(next))) {
          next++;
        }
        boolean call = next < n && expr.charAt(next) == '(';
        if (LABEL_LISTS.contains(word)) {
          if (call) {
            i = skipTo(expr, next, ')');
          }
        } else if (!call && !AGGREGATIONS.contains(word) && !KEYWORDS.contains(word)) {
          names.add(word);
        }
      } else if (c == '$') {
        throw new IllegalArgumentException("unsubstituted variable in " + expr);
      } else {
        i++;
      }
    }
    return names;
  }

  private static int skipString(String s, int i) {
    char quote = s.charAt(i);
    i++;
    while (i < s.length() && s.charAt(i) != quote) {
      if (s.charAt(i) == '\\' && quote != '`') {
        i++;
      }
      i++;
    }
    if (i >= s.length()) {
      throw new IllegalArgumentException("unterminated string in " + s);
    }
    return i + 1;
  }

  private static int skipTo(String s, int i, char close) {
    i++;
    while (i < s.length() && s.charAt(i) != close) {
      char c = s.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = skipString(s, i);
      } else {
        i++;
      }
    }
    if (i >= s.length()) {
      throw new IllegalArgumentException("missing '" + close + "' in " + s);
    }
    return i + 1;
  }
}
