package io.headwatch.agent.otel;

import io.headwatch.agent.HeadwatchAgent;
import io.headwatch.agent.export.AgentTelemetry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.lang.instrument.Instrumentation;

/**
 * Starts Headwatch, loaded by the system class loader, over the OpenTelemetry Java agent's
 * OpenTelemetry. In the extension jar {@code io.opentelemetry.api} is relocated to the agent's
 * boot-class-path API, so {@link GlobalOpenTelemetry} here is the agent's.
 */
public final class ExtensionStart {
  private ExtensionStart() {}

  public static void start(Instrumentation instrumentation) {
    HeadwatchAgent.startAsExtension(instrumentation, ExtensionStart::telemetry);
  }

  /**
   * Nothing to finish at exit: the OpenTelemetry agent's own shutdown hook exports everything
   * recorded before it runs. (Asking its SDK to flush is no better: once that hook has shut the SDK
   * down, a flush never completes and would hold the application's exit for the whole timeout.)
   */
  private static AgentTelemetry telemetry() {
    return AgentTelemetry.over(GlobalOpenTelemetry.get(), timeoutMs -> AgentTelemetry.Flush.SENT);
  }
}
