package io.headwatch.agent.stats;

/**
 * Chooses the row kernel once per JVM: the vectorised one when the JVM was started with {@code
 * --add-modules jdk.incubator.vector} and has SIMD registers of at least 128 bits, else the scalar
 * loop. The vector classes are only loaded after the module is known to be there, so a JVM without
 * it never sees them.
 */
final class RowKernels {
  private static final String VECTOR_MODULE = "jdk.incubator.vector";
  private static final RowKernel BEST = choose();

  private RowKernels() {}

  /** The kernel {@link AttentionStatistics} uses in this JVM. */
  static RowKernel best() {
    return BEST;
  }

  /** The vector kernel if this JVM can run it, else null. */
  static RowKernel vectorOrNull() {
    if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
      return null;
    }
    try {
      RowKernel k =
          (RowKernel)
              Class.forName("io.headwatch.agent.stats.VectorRowKernel")
                  .getDeclaredConstructor()
                  .newInstance();
      return ((VectorRowKernelInfo) k).lanes() >= 4 ? k : null;
    } catch (Throwable e) {
      // A JVM whose incubator API differs: the scalar loop is always right.
      return null;
    }
  }

  private static RowKernel choose() {
    RowKernel vector = vectorOrNull();
    return vector != null ? vector : ScalarRowKernel.INSTANCE;
  }
}
