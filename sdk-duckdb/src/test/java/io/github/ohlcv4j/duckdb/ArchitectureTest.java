package io.github.ohlcv4j.duckdb;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.github.ohlcv4j.testing.PublicSignatures;

/**
 * The DuckDB store is written against the core's public SPI alone, and its public package shows
 * none of its plumbing (the JDBC driver's types included).
 */
@AnalyzeClasses(
    packages = "io.github.ohlcv4j.duckdb",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule noCoreInternals =
      noClasses()
          .that()
          .resideInAPackage("io.github.ohlcv4j.duckdb..")
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
}
