package io.headwatch.collector.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Checks {@code Authorization: Bearer <token>} against a configured token in constant time. With no
 * token configured every request passes (the loopback default; see docs/security.md).
 */
public final class BearerAuth {
  private final byte[] expected;

  /** {@code token} empty: no check. */
  public BearerAuth(String token) {
    this.expected = token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  public boolean enabled() {
    return expected != null;
  }

  /** True if no token is configured or the request carries it. */
  public boolean allows(Request request) {
    if (expected == null) {
      return true;
    }
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, given);
  }

  /** The WWW-Authenticate value a 401 carries. */
  public static String challenge() {
    return "Bearer realm=\"headwatch\"";
  }
}
