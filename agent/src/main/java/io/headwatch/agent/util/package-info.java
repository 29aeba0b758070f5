/**
 * The agent's own log ({@code [headwatch]} lines on standard error, once per kind of problem) and
 * an allocation-free epoch clock. Depends on nothing else in the agent.
 */
package io.headwatch.agent.util;
