package io.headwatch.agent.capture;

/**
 * One captured tensor of one layer.
 *
 * @param layer the layer, 0-based
 * @param tensor attention probabilities {@code [batch, heads, query, key]}, a hidden state {@code
 *     [batch, sequence, hidden]}, or per-head attention outputs {@code [batch, heads, query,
 *     head_dim]}, depending on the list of {@link Capture} it is in
 */
public record LayerTensor(int layer, FloatTensor tensor) {}
