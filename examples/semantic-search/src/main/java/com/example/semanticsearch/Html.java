package com.example.semanticsearch;

import java.util.List;

/** Renders the single HTML page of the service. */
final class Html {

  private Html() {}

  static String page(String query, int k, List<SearchResult> results, String error) {
    StringBuilder sb = new StringBuilder(4096);
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Semantic search</title>\n")
        .append(
            "<style>body{font-family:sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}")
        .append("input[name=q]{width:70%}table{border-collapse:collapse;margin-top:1rem}")
        .append(
            "td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}")
        .append(".err{color:#a00}</style>\n</head>\n<body>\n<h1>Semantic search</h1>\n")
        .append("<form method=\"get\" action=\"/\">\n")
        .append("<input name=\"q\" maxlength=\"")
        .append(SearchServer.MAX_QUERY_CHARS)
        .append("\" placeholder=\"Ask a question\" autofocus value=\"")
        .append(escape(query == null ? "" : query))
        .append("\">\n")
        .append("<input name=\"k\" type=\"number\" min=\"1\" max=\"")
        .append(SearchServer.MAX_K)
        .append("\" value=\"")
        .append(k)
        .append("\">\n")
        .append("<button type=\"submit\">Search</button>\n</form>\n");
    if (error != null) {
      sb.append("<p class=\"err\">").append(escape(error)).append("</p>\n");
    } else if (query != null) {
      sb.append("<table>\n<tr><th>#</th><th>score</th><th>id</th><th>sentence</th></tr>\n");
      for (SearchResult r : results) {
        sb.append("<tr><td>")
            .append(r.rank())
            .append("</td><td>")
            .append(String.format(java.util.Locale.ROOT, "%.4f", r.score()))
            .append("</td><td>")
            .append(r.id())
            .append("</td><td>")
            .append(escape(r.text()))
            .append("</td></tr>\n");
      }
      sb.append("</table>\n");
    }
    sb.append("<p><small>JSON: <code>/search?q=TEXT&amp;k=")
        .append(k)
        .append("</code></small></p>\n</body>\n</html>\n");
    return sb.toString();
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
