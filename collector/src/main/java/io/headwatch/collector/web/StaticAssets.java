package io.headwatch.collector.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * The files under {@code web/} on the class path, loaded on first use and kept: the set is fixed by
 * the jar, so the cache is bounded by it (names not found are not remembered). Each file has its
 * content type, a strong ETag from its bytes, and a gzip form when that is smaller.
 */
final class StaticAssets {
  /** One file ready to send. {@code gzip} is null when compressing does not pay. */
  record Asset(byte[] bytes, byte[] gzip, String etag, String contentType) {}

  /** Lower-case names in lower-case folders, no "..", one of the known extensions. */
  private static final Pattern NAME =
      Pattern.compile("([a-z0-9][a-z0-9_-]*/)*[a-z0-9][a-z0-9_.-]*\\.(html|js|css|svg|png|json)");

  private static final Map<String, String> CONTENT_TYPES =
      Map.of(
          "html", "text/html;charset=utf-8",
          "js", "text/javascript;charset=utf-8",
          "css", "text/css;charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "json", "application/json");

  private final String root;
  private final ClassLoader loader;
  private final Map<String, Asset> loaded = new ConcurrentHashMap<>();

  /** Files under {@code root} (e.g. {@code "web/"}) of this class's loader. */
  StaticAssets(String root) {
    this.root = root;
    this.loader = StaticAssets.class.getClassLoader();
  }

  /** The file with this name relative to the root, if the name is well-formed and it exists. */
  Optional<Asset> get(String name) {
    if (!NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    Asset cached = loaded.get(name);
    if (cached != null) {
      return Optional.of(cached);
    }
    byte[] bytes = read(root + name);
    if (bytes == null) {
      return Optional.empty();
    }
    Asset a = prepare(name, bytes);
    loaded.putIfAbsent(name, a);
    return Optional.of(a);
  }

  private byte[] read(String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource + " from the collector jar", e);
    }
  }

  private static Asset prepare(String name, byte[] bytes) {
    String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    String type = CONTENT_TYPES.get(ext);
    byte[] gzip = type.startsWith("image/png") ? null : gzip(bytes);
    if (gzip != null && gzip.length >= bytes.length) {
      gzip = null;
    }
    return new Asset(bytes, gzip, "\"" + sha256(bytes).substring(0, 20) + "\"", type);
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
