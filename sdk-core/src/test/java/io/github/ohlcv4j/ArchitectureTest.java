package io.github.ohlcv4j;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.github.ohlcv4j.testing.PublicSignatures;

/**
 * The rules of the module's shape: the CSV source is written against the public SPI alone, as a
 * third party's would be; public packages show no plumbing in their signatures; the core knows no
 * source module.
 */
@AnalyzeClasses(
    packages = "io.github.ohlcv4j",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule theCsvSourceUsesOnlyThePublicSpi =
      noClasses()
          .that()
          .resideInAPackage("io.github.ohlcv4j.source.csv..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.github.ohlcv4j.internal..");

  /**
   * Our {@code CandleSourceProvider}s are service-loader plumbing: they live in {@code internal},
   * so the API packages hold only what users call, while the interface stays public SPI.
   */
  @ArchTest
  static final ArchRule sourceProvidersAreInternal =
      classes()
          .that()
          .haveSimpleNameEndingWith("SourceProvider")
          .and()
          .areNotInterfaces()
          .and()
          .resideOutsideOfPackage("io.github.ohlcv4j.testing..")
          .should()
          .resideInAPackage("..internal..");

  @ArchTest
  static final ArchRule publicPackagesExposeNoInternalTypes =
      classes()
          .that()
          .resideOutsideOfPackage("..internal..")
          .and()
          .arePublic()
          .should(PublicSignatures.exposeNoInternalTypes());

  @ArchTest
  static final ArchRule theCoreDependsOnNoSourceModule =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.github.ohlcv4j.exchange..",
              "io.github.ohlcv4j.clickhouse..",
              "io.github.ohlcv4j.duckdb..");
}
