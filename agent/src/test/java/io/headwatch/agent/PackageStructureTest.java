package io.headwatch.agent;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import org.junit.jupiter.api.Test;

/**
 * The agent's packages depend one way, along the data flow (docs/design.md): engine capture ({@code
 * onnx}, {@code djl}) → {@code sampling}, {@code pipeline} → {@code stats}, {@code export}. No
 * package imports one that imports it back, and the pure layers import nothing above them.
 */
class PackageStructureTest {
  private static final JavaClasses AGENT =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.headwatch.agent");

  @Test
  void noPackageImportCycles() {
    slices().matching("io.headwatch.agent.(*)..").should().beFreeOfCycles().check(AGENT);
  }

  @Test
  void statisticsAndUtilitiesDependOnNothingElseOfTheAgent() {
    ArchRuleDefinition.noClasses()
        .that()
        .resideInAnyPackage("io.headwatch.agent.stats..", "io.headwatch.agent.util..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.headwatch.agent.capture..",
            "io.headwatch.agent.config..",
            "io.headwatch.agent.djl..",
            "io.headwatch.agent.export..",
            "io.headwatch.agent.instrumentation..",
            "io.headwatch.agent.model..",
            "io.headwatch.agent.onnx..",
            "io.headwatch.agent.pipeline..",
            "io.headwatch.agent.runtime..",
            "io.headwatch.agent.sampling..")
        .check(AGENT);
  }

  @Test
  void onlyTheEngineInstrumentationKnowsItsEngine() {
    ArchRuleDefinition.noClasses()
        .that()
        .resideOutsideOfPackages("io.headwatch.agent.onnx..", "io.headwatch.agent.djl..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("ai.onnxruntime..", "ai.djl..")
        .check(AGENT);
  }
}
