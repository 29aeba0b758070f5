package io.headwatch.collector;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The collector's packages depend one way: receiver → ingest → {prometheus, baseline, store} →
 * model, with api reading store and baseline, and config, queue, otlp, json as leaves. JSON (Gson)
 * stays at the edges (receiver, api, json, and web, the pages). Each rule fails naming the
 * offending class and dependency.
 */
class PackageDependenciesTest {
  private static final String ROOT = "io.headwatch.collector";
  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
  }

  private static String pkg(String name) {
    return ROOT + "." + name + "..";
  }

  @Test
  void noPackageCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void modelDependsOnNoOtherPackageNorOnJsonOrOtlp() {
    noClasses()
        .that()
        .resideInAPackage(pkg("model"))
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages(pkg("model"), "java..")
        .check(classes);
  }

  @Test
  void verdictIsAPlainLibrary() {
    noClasses()
        .that()
        .resideInAPackage(pkg("verdict"))
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages(pkg("verdict"), "java..")
        .check(classes);
  }

  @Test
  void storeBaselineAndPrometheusDoNotReachBackIntoTheFlow() {
    noClasses()
        .that()
        .resideInAnyPackage(pkg("store"), pkg("baseline"), pkg("prometheus"))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(pkg("receiver"), pkg("ingest"), pkg("api"), pkg("forward"))
        .check(classes);
  }

  @Test
  void storeAndBaselineAndPrometheusAreSiblings() {
    noClasses()
        .that()
        .resideInAPackage(pkg("store"))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(pkg("baseline"), pkg("prometheus"))
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage(pkg("baseline"))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(pkg("store"), pkg("prometheus"))
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage(pkg("prometheus"))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(pkg("store"), pkg("baseline"))
        .check(classes);
  }

  @Test
  void ingestDoesNotKnowTheEdges() {
    noClasses()
        .that()
        .resideInAPackage(pkg("ingest"))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(pkg("receiver"), pkg("api"), pkg("forward"))
        .check(classes);
  }

  @Test
  void gsonOnlyAtTheEdges() {
    noClasses()
        .that()
        .resideOutsideOfPackages(pkg("api"), pkg("json"), pkg("receiver"), pkg("web"))
        .and()
        .doNotHaveFullyQualifiedName(ROOT + ".store.sqlite.StoredPayloads")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("com.google.gson..")
        .check(classes);
  }

  @Test
  void onlyTheWiringUsesTheRootPackage() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(ROOT)
        .check(classes);
  }
}
