/**
 * Headwatch's settings: {@link io.headwatch.agent.config.Setting} lists each one with its key,
 * default, limits and meaning; {@link io.headwatch.agent.config.HeadwatchConfig} reads them once at
 * start-up from the agent arguments, system properties and environment, reporting a bad value in
 * one line and using the default. Everything else in the agent reads its settings from here.
 */
package io.headwatch.agent.config;
