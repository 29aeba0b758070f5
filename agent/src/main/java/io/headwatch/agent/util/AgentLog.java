package io.headwatch.agent.util;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's own log: one line per event on standard error, prefixed {@code [headwatch]}.
 *
 * <p>No logging framework: the agent must not touch the application's logging configuration.
 * Unexpected situations are logged once per key (and counted elsewhere), never per inference.
 */
public final class AgentLog {
  private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();
  private static volatile boolean debug;

  private AgentLog() {}

  public static void setDebug(boolean enabled) {
    debug = enabled;
  }

  public static boolean isDebug() {
    return debug;
  }

  public static void info(String message) {
    System.err.println("[headwatch] " + message);
  }

  public static void warn(String message) {
    System.err.println("[headwatch] WARN " + message);
  }

  public static void debug(String message) {
    if (debug) {
      System.err.println("[headwatch] DEBUG " + message);
    }
  }

  /**
   * Logs {@code message} the first time {@code key} is seen, and at debug level after that: facts
   * that repeat (a model observed again by each new session of an application that opens and closes
   * sessions) are said once.
   */
  public static void infoOnce(String key, String message) {
    if (ONCE.add(key)) {
      info(message);
    } else {
      debug(message);
    }
  }

  /** Logs {@code message} the first time {@code key} is seen; returns whether it logged. */
  public static boolean warnOnce(String key, String message, Throwable cause) {
    if (!ONCE.add(key)) {
      return false;
    }
    String detail =
        cause == null ? "" : " (" + cause.getClass().getName() + ": " + cause.getMessage() + ")";
    warn(message + detail);
    if (cause != null && debug) {
      cause.printStackTrace();
    }
    return true;
  }
}
