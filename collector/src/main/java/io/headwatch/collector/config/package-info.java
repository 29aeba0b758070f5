/**
 * Settings: every setting as an enum constant with its key, default and parser; loaded from flags,
 * environment and a properties file into a validated configuration.
 */
package io.headwatch.collector.config;
