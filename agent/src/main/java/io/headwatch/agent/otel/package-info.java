/**
 * Headwatch as an extension of the OpenTelemetry Java agent ({@code
 * -javaagent:opentelemetry-javaagent.jar
 * -Dotel.javaagent.extensions=headwatch-otel-extension.jar}): {@link
 * io.headwatch.agent.otel.HeadwatchExtension}, loaded by that agent in its extension class loader,
 * puts Headwatch on the system class path (where the advice woven into the application's classes
 * finds its hooks, as with {@code -javaagent}) and starts it there ({@link
 * io.headwatch.agent.otel.ExtensionStart}) with that agent's OpenTelemetry: Headwatch's spans join
 * the agent's traces, and its metrics and snapshots leave through the agent's exporters. The
 * extension jar bundles no OpenTelemetry API or SDK: its API references are relocated at build time
 * to the names under which the OpenTelemetry Java agent keeps its API on the boot class path. See
 * docs/design.md.
 */
package io.headwatch.agent.otel;
