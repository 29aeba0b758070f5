package io.headwatch.agent.runtime;

/**
 * What an operator can change while the application runs, through JMX ({@code
 * io.headwatch:type=Agent}, e.g. with jconsole or jmxterm).
 */
public interface HeadwatchControlMBean {
  /** Whether every captured sequence sends its attention maps (within the byte budget). */
  boolean isMapsForAll();

  void setMapsForAll(boolean on);
}
