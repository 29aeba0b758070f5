package io.headwatch.collector.config;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;

/**
 * Reads settings from, highest precedence first: command-line flags ({@code --key value} or {@code
 * --key=value}), environment variables ({@code HEADWATCH_COLLECTOR_KEY}), a properties file ({@code
 * --config FILE} or {@code HEADWATCH_COLLECTOR_CONFIG}), then defaults.
 */
public final class ConfigLoader {
  private static final String CONFIG_FLAG = "config";
  private static final String CONFIG_ENV = "HEADWATCH_COLLECTOR_CONFIG";

  private ConfigLoader() {}

  /** Parses and validates every setting; the first invalid one is reported. */
  public static CollectorConfig load(String[] args, Map<String, String> env)
      throws ConfigException {
    Map<Setting, String> flags = new EnumMap<>(Setting.class);
    String configFile = env.get(CONFIG_ENV);
    if (configFile != null && configFile.isBlank()) {
      configFile = null;
    }
    String configSource = CONFIG_ENV;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new ConfigException(
            "unexpected argument '" + arg + "'; expected --setting value (see --help)");
      }
      String key = arg.substring(2);
      String value;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new ConfigException(
            "setting --" + key + " has no value; expected --" + key + " VALUE");
      }
      if (CONFIG_FLAG.equals(key)) {
        configFile = value;
        configSource = "--config";
        continue;
      }
      Setting setting = Setting.byKey(key);
      if (setting == null) {
        throw new ConfigException("unknown setting --" + key + "; expected one of " + keys());
      }
      flags.put(setting, value);
    }

    Properties file =
        configFile == null ? new Properties() : readProperties(configFile, configSource);
    for (String name : file.stringPropertyNames()) {
      if (Setting.byKey(name) == null) {
        throw new ConfigException(
            "unknown setting " + name + " in " + configFile + "; expected one of " + keys());
      }
    }

    Map<Setting, Object> values = new EnumMap<>(Setting.class);
    for (Setting s : Setting.values()) {
      String text;
      String source;
      if (flags.containsKey(s)) {
        text = flags.get(s);
        source = "--" + s.key();
      } else if (env.containsKey(s.envName())) {
        text = env.get(s.envName());
        source = s.envName();
      } else if (file.containsKey(s.key())) {
        text = file.getProperty(s.key());
        source = configFile;
      } else {
        text = s.defaultValue();
        source = "default";
      }
      values.put(s, s.parse(text, source));
    }
    CollectorConfig config = new CollectorConfig(values);
    checkVerdicts(config);
    checkExposure(config);
    return config;
  }

  /** The verdict settings that depend on each other. */
  static void checkVerdicts(CollectorConfig c) throws ConfigException {
    if (c.verdictMin() < 100) {
      throw new ConfigException(
          "invalid setting verdict-min: "
              + c.verdictMin()
              + "; expected at least 100 (scores are calibrated on the baseline's own scores)");
    }
    if (c.verdictWindow() < c.verdictMin()) {
      throw new ConfigException(
          "invalid setting verdict-window: "
              + c.verdictWindow()
              + "; expected at least verdict-min ("
              + c.verdictMin()
              + ")");
    }
    if (c.verdictBytes() < c.verdictModelBytes()) {
      throw new ConfigException(
          "invalid setting verdict-bytes: "
              + c.verdictBytes()
              + "; expected at least verdict-model-bytes ("
              + c.verdictModelBytes()
              + ")");
    }
  }

  /**
   * Beyond loopback, anyone who can reach the ports could send predictions (skewing baselines) and
   * read them all: both tokens are required there, unless the operator says otherwise.
   */
  public static void checkExposure(CollectorConfig c) throws ConfigException {
    if (loopback(c.host()) || c.allowUnauthenticated()) {
      return;
    }
    if (c.ingestToken().isEmpty() || c.apiToken().isEmpty()) {
      throw new ConfigException(
          "refusing to listen on "
              + c.host()
              + " (not a loopback address) without both ingest-token and api-token: anyone who"
              + " can reach it could send and read predictions. Set both (see docs/security.md),"
              + " or --allow-unauthenticated true when a proxy in front authenticates");
    }
  }

  private static boolean loopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** One line per setting for --help. */
  public static String usage() {
    StringBuilder sb = new StringBuilder();
    sb.append("usage: java -jar headwatch-collector.jar [--config FILE] [--setting VALUE]...\n");
    sb.append("settings (flag, environment variable, default):\n");
    for (Setting s : Setting.values()) {
      sb.append(
          String.format(
              "  --%-20s %-38s default '%s'%n      %s%n",
              s.key(), s.envName(), s.secret() ? "" : s.defaultValue(), s.expected()));
    }
    return sb.toString();
  }

  private static Properties readProperties(String path, String source) throws ConfigException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(Path.of(path), StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(
          "invalid setting config (from "
              + source
              + "): '"
              + path
              + "'; expected a readable properties file ("
              + e
              + ")");
    }
    return p;
  }

  private static String keys() {
    StringBuilder sb = new StringBuilder();
    for (Setting s : Setting.values()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(s.key());
    }
    return sb.toString();
  }
}
