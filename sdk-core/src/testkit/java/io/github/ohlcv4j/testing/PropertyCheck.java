package io.github.ohlcv4j.testing;

import java.util.Objects;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * A small property-based test runner on JUnit Jupiter: checks a property on cases generated from
 * seeded random numbers, smallest first, and on failure names the try, its seed and its case, so
 * the failure can be replayed alone. Deterministic: the same seed gives the same cases on every run
 * and machine.
 *
 * <pre>{@code
 * PropertyCheck.of("stream equals fetch", 200)
 *     .forAll((random, size) -> Scenario.random(random, size), scenario -> { ... });
 * }</pre>
 *
 * <p>Replay one case with {@code -Dohlcv4j.property.seed=<seed>/<size>} (and the test's name in
 * {@code -Dtest}); change the base seed for a fresh set of cases with {@code
 * -Dohlcv4j.property.base=<n>}.
 */
public final class PropertyCheck {

  /** The system property that replays one case by its seed and size ({@code <seed>/<size>}). */
  public static final String SEED = "ohlcv4j.property.seed";

  /** The system property that changes the base seed of all cases. */
  public static final String BASE = "ohlcv4j.property.base";

  private final String name;
  private final int tries;
  private final long base;

  private PropertyCheck(String name, int tries, long base) {
    this.name = name;
    this.tries = tries;
    this.base = base;
  }

  /** A check of the property {@code name} on {@code tries} cases. */
  public static PropertyCheck of(String name, int tries) {
    Objects.requireNonNull(name, "name");
    if (tries < 1) {
      throw new IllegalArgumentException("tries must be positive, got " + tries);
    }
    long base = Long.getLong(BASE, 0x0417_C5E5L);
    return new PropertyCheck(name, tries, base);
  }

  /**
   * Generates {@code tries} cases with {@code generator} (given a random source and a size that
   * grows from 1 to 100 over the tries, so early cases are small) and checks each with {@code
   * property}, which throws (an {@link AssertionError} or anything else) when it does not hold.
   *
   * @return how many cases were checked
   * @throws AssertionError for the first case that fails, with its try, seed and case
   */
  public <T> int forAll(BiFunction<Random, Integer, T> generator, Consumer<T> property) {
    String only = System.getProperty(SEED);
    if (only != null) {
      String[] p = only.split("/");
      check(
          generator,
          property,
          -1,
          Long.parseLong(p[0]),
          p.length > 1 ? Integer.parseInt(p[1]) : 100);
      return 1;
    }
    for (int i = 0; i < tries; i++) {
      long seed = base * 1_000_003L + i;
      int size = 1 + (int) ((long) i * 99 / Math.max(1, tries - 1));
      check(generator, property, i, seed, size);
    }
    return tries;
  }

  private <T> void check(
      BiFunction<Random, Integer, T> generator,
      Consumer<T> property,
      int attempt,
      long seed,
      int size) {
    T value = generator.apply(new Random(seed), size);
    try {
      property.accept(value);
    } catch (Throwable e) {
      AssertionError failure =
          new AssertionError(
              "Property \""
                  + name
                  + "\" failed on try "
                  + (attempt < 0 ? "(replayed)" : attempt + 1 + " of " + tries)
                  + " with seed "
                  + seed
                  + ", size "
                  + size
                  + " (replay: -D"
                  + SEED
                  + "="
                  + seed
                  + "/"
                  + size
                  + ")"
                  + ":\n  case: "
                  + value
                  + "\n  failure: "
                  + e,
              e);
      throw failure;
    }
  }
}
