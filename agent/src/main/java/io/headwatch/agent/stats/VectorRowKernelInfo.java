package io.headwatch.agent.stats;

/** What {@link RowKernels} asks of the vector kernel without naming incubator types. */
interface VectorRowKernelInfo {
  /** Float lanes per vector on this CPU. */
  int lanes();
}
