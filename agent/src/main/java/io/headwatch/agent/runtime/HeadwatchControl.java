package io.headwatch.agent.runtime;

import io.headwatch.agent.util.AgentLog;
import java.lang.management.ManagementFactory;
import javax.management.ObjectName;

/** The agent's run-time switches, registered as the JMX bean {@code io.headwatch:type=Agent}. */
public final class HeadwatchControl implements HeadwatchControlMBean {
  static final String NAME = "io.headwatch:type=Agent";

  private volatile boolean mapsForAll;

  HeadwatchControl(boolean mapsForAll) {
    this.mapsForAll = mapsForAll;
  }

  @Override
  public boolean isMapsForAll() {
    return mapsForAll;
  }

  @Override
  public void setMapsForAll(boolean on) {
    if (on != mapsForAll) {
      AgentLog.info("attention maps for every captured sequence turned " + (on ? "on" : "off"));
    }
    mapsForAll = on;
  }

  /** Registers this bean with the platform MBean server (once; a failure is logged, not fatal). */
  void register() {
    try {
      ObjectName name = new ObjectName(NAME);
      if (!ManagementFactory.getPlatformMBeanServer().isRegistered(name)) {
        ManagementFactory.getPlatformMBeanServer().registerMBean(this, name);
      }
    } catch (Exception | LinkageError e) {
      AgentLog.warnOnce("jmx", "the agent's JMX control could not be registered", e);
    }
  }
}
