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

  /**
   * Live feeds are a venue protocol on the public WebSocket kit ({@code
   * io.github.ohlcv4j.source.live}): no exchange class opens sockets or keeps executors of its own,
   * so connections, limits, heartbeats and reconnects stay the kit's.
   */
  @ArchTest
  static final ArchRule liveFeedsUseTheWebSocketKit =
      noClasses()
          .that()
          .resideInAPackage("io.github.ohlcv4j.exchange..")
          .should()
          .dependOnClassesThat()
          .haveFullyQualifiedName("okhttp3.WebSocket")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("okhttp3.WebSocketListener")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.util.concurrent.Executors")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.util.concurrent.ScheduledExecutorService");

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
