package io.github.ohlcv4j.exchange;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.github.ohlcv4j.testing.PublicSignatures;

/**
 * The exchange sources are written against the core's public SPI alone, as a third party's would
 * be, and their public packages show none of their own plumbing.
 */
@AnalyzeClasses(
    packages = "io.github.ohlcv4j.exchange",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule noCoreInternals =
      noClasses()
          .that()
          .resideInAPackage("io.github.ohlcv4j.exchange..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.github.ohlcv4j.internal..");

  @ArchTest
  static final ArchRule publicPackagesExposeNoInternalTypes =
      classes()
          .that()
          .resideOutsideOfPackage("..internal..")
          .and()
          .arePublic()
          .should(PublicSignatures.exposeNoInternalTypes());
}
