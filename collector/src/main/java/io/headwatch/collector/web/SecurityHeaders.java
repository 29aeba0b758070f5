package io.headwatch.collector.web;

import org.eclipse.jetty.http.HttpFields;

/**
 * Headers on every page and asset. The policy allows scripts, styles and requests from the
 * collector only, no inline script or style markup, no framing, and Trusted Types with no policy,
 * so that even a mistaken {@code innerHTML} with data in it throws instead of creating markup.
 */
final class SecurityHeaders {
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none';"
          + " require-trusted-types-for 'script'; trusted-types 'none'";

  private SecurityHeaders() {}

  static void apply(HttpFields.Mutable headers) {
    headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Referrer-Policy", "no-referrer");
    headers.put("X-Frame-Options", "DENY");
    headers.put("Cross-Origin-Opener-Policy", "same-origin");
  }
}
