package io.headwatch.e2e;

/**
 * The fixed, padded batch several child applications run all-MiniLM-L6-v2 on (plain data: no
 * dependency, so that any child class path can load it).
 */
final class FixedInputs {
  private FixedInputs() {}

  /** Sequence 0 has 9 tokens; sequence 1 has 5, then 4 padding positions. */
  static final long[][] INPUT_IDS = {
    {101, 2129, 2079, 1045, 2131, 2026, 2769, 2067, 102},
    {101, 7592, 2088, 999, 102, 0, 0, 0, 0}
  };

  static final long[][] ATTENTION_MASK = {
    {1, 1, 1, 1, 1, 1, 1, 1, 1},
    {1, 1, 1, 1, 1, 0, 0, 0, 0}
  };
}
