import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints, for the demo, a model's attention heads as a layer x head grid from the collector's
 * API (GET /api/models/{model}/heads): the median normalised entropy of the recent snapshots,
 * with a mark on heads that moved away from their own baseline.
 *
 * <p>Run with the JDK's source launcher: {@code java HeadGrid.java http://127.0.0.1:9464 model}.
 */
public class HeadGrid {
  private static final Pattern ROW = Pattern.compile(
      "\"layer\":\\s*(\\d+),\\s*\"head\":\\s*(\\d+),\\s*\"statistic\":\\s*\"(\\w+)\",\\s*"
          + "\"median_now\":\\s*([-0-9.eE]+|null)[^}]*?\"z\":\\s*([-0-9.eE]+|null)");

  public static void main(String[] args) throws Exception {
    String api = args[0];
    String model = args[1];
    String statistic = args.length > 2 ? args[2] : "entropy";
    String body = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(api + "/api/models/"
            + URLEncoder.encode(model, StandardCharsets.UTF_8) + "/heads")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    TreeMap<Integer, TreeMap<Integer, double[]>> grid = new TreeMap<>();
    Matcher m = ROW.matcher(body);
    while (m.find()) {
      if (!m.group(3).equals(statistic) || m.group(4).equals("null")) {
        continue;
      }
      double z = m.group(5).equals("null") ? Double.NaN : Double.parseDouble(m.group(5));
      grid.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new TreeMap<>())
          .put(Integer.parseInt(m.group(2)), new double[] {Double.parseDouble(m.group(4)), z});
    }
    if (grid.isEmpty()) {
      System.out.println("  (no " + statistic + " statistics yet for " + model + ")");
      return;
    }
    int heads = grid.firstEntry().getValue().size();
    StringBuilder header = new StringBuilder("  layer \\ head");
    for (int h = 0; h < heads; h++) {
      header.append(String.format(Locale.ROOT, "%6d", h));
    }
    System.out.println(header);
    grid.forEach((layer, row) -> {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-13d", layer));
      row.forEach((head, v) -> line.append(String.format(Locale.ROOT, " %4.2f%s", v[0],
          !Double.isNaN(v[1]) && v[1] > 3 ? "*" : " ")));
      System.out.println(line);
    });
    String reading = statistic.equals("entropy")
        ? "normalised entropy (0 = all weight on one token, 1 = uniform)"
        : statistic.equals("sink_mass") ? "attention on the first token ([CLS])" : statistic;
    System.out.println("  median " + reading + " over the recent snapshots;"
        + " * = more than 3 robust z from the head's own baseline");
  }
}
