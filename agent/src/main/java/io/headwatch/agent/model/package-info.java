/**
 * Who a model is: {@link io.headwatch.agent.model.ModelNames} derives stable, bounded names and
 * operations; {@link io.headwatch.agent.model.ModelRegistry} is the single owner of each model's
 * telemetry, sampler and budget, shared by every session or predictor of that model.
 */
package io.headwatch.agent.model;
