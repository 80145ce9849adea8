package io.github.ohlcv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.ohlcv4j.source.CandleSources;
import io.github.ohlcv4j.source.SampleSource;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input to a public entry point is an {@link InvalidQueryException}, under the one root the
 * docs promise, with a message that quotes what was given and says what is accepted. A caller who
 * catches {@link OhlcvException} catches them all.
 */
class BadInputErrorsTest {

  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  /** Each entry point with bad input, and the texts its message must hold. */
  private static Map<String, Case> cases() {
    CandleSeries threeMinutes =
        CandleSeries.builder(Symbol.of("BTCUSDT"), Interval.M3).add(T0, 1, 1, 1, 1, 1).build();
    Map<String, Case> c = new LinkedHashMap<>();
    c.put("Symbol.parse empty", new Case(() -> Symbol.parse(""), "empty", "[VENUE:]CODE[.P]"));
    c.put(
        "Symbol.parse white space",
        new Case(() -> Symbol.parse("BTC USDT"), "\"BTC USDT\"", "BINANCE:BTCUSDT"));
    c.put(
        "Symbol.parse bad venue",
        new Case(() -> Symbol.parse("1X:BTC"), "\"1X\"", "letters, digits and underscores"));
    c.put("Symbol.of empty code", new Case(() -> Symbol.of(""), "empty", "e.g. \"BTCUSDT\""));
    c.put(
        "Symbol.of bad venue",
        new Case(
            () -> Symbol.of("BY BIT", "BTCUSDT", MarketType.SPOT), "\"BY BIT\"", "e.g. \"BYBIT\""));
    c.put(
        "Symbol.withVenue",
        new Case(() -> Symbol.of("BTCUSDT").withVenue("-"), "\"-\"", "letters, digits"));
    c.put("Interval.parse", new Case(() -> Interval.parse("7x"), "\"7x\"", "\"1M\" is a month"));
    c.put(
        "Interval.of",
        new Case(() -> Interval.of(0, Interval.Unit.MINUTE), "got 0 MINUTE", "use 1 or more"));
    c.put("Interval.ofSeconds", new Case(() -> Interval.ofSeconds(-5), "got -5", "e.g."));
    c.put(
        "CandleSeries.resample 3m to 5m",
        new Case(() -> threeMinutes.resample(Interval.M5), "3m candles to 5m", "fetch 1m"));
    c.put(
        "CandleSeries.resample zone midnight 5h",
        new Case(
            () ->
                threeMinutes.resample(
                    Interval.of(15, Interval.Unit.HOUR),
                    ZoneId.of("America/New_York"),
                    Alignment.ZONE_MIDNIGHT),
            "15h",
            "Alignment.EPOCH"));
    c.put(
        "Interval.bucketStart zone midnight 7m",
        new Case(
            () ->
                Interval.of(7, Interval.Unit.MINUTE)
                    .bucketStart(0, ZoneId.of("UTC"), Alignment.ZONE_MIDNIGHT),
            "7m",
            "does not divide a day"));
    c.put(
        "TimeRange empty",
        new Case(() -> new TimeRange(T0, T0), T0.toString(), "'from' must be before 'to'"));
    c.put(
        "CandleSources.open unknown scheme",
        new Case(() -> CandleSources.open("nasdaq:itch"), "\"nasdaq:\"", "known schemes"));
    c.put(
        "CandleSources.open malformed",
        new Case(() -> CandleSources.open("x y:z"), "Malformed source URI", "Percent-encode"));
    c.put(
        "CandleSources.open no scheme",
        new Case(() -> CandleSources.open("//localhost:8123/db"), "localhost", "expected e.g."));
    c.put(
        "CandleSources.open unknown parameter",
        new Case(
            () -> CandleSources.open("sample:?colour=red"), "colour", "seed, pageSize and speed"));
    c.put(
        "CandleSources.open bad parameter value",
        new Case(() -> CandleSources.open("sample:?pageSize=0"), "pageSize", "positive"));
    c.put(
        "OhlcvClient.query bad symbol",
        new Case(
            () -> {
              try (OhlcvClient client =
                  OhlcvClient.builder().source(SampleSource.create()).build()) {
                client.query("BTC USDT").fetch();
              }
            },
            "\"BTC USDT\"",
            "BINANCE:BTCUSDT"));
    return c;
  }

  @Test
  void everyEntryPointThrowsATypedErrorSayingWhatWasGivenAndWhatWorks() {
    for (Map.Entry<String, Case> e : cases().entrySet()) {
      Case c = e.getValue();
      InvalidQueryException error;
      try {
        error = assertThrows(InvalidQueryException.class, c.call(), e.getKey());
      } catch (AssertionError wrongType) {
        fail(e.getKey() + ": " + wrongType.getMessage(), wrongType);
        return;
      }
      String m = error.getMessage();
      assertTrue(m.contains(c.given()), e.getKey() + " quotes what was given: " + m);
      assertTrue(m.contains(c.accepted()), e.getKey() + " says what works: " + m);
      assertEquals(false, error.isRetryable(), e.getKey() + ": bad input is not retryable");
    }
  }

  @Test
  void programmingErrorsStayAsTheyWere() {
    // A null argument, or a negative count, is a bug in the calling code, not bad input.
    assertThrows(NullPointerException.class, () -> Symbol.parse(null));
    assertThrows(NullPointerException.class, () -> Interval.parse(null));
    CandleSeries s = CandleSeries.empty(Symbol.of("BTCUSDT"), Interval.M1);
    assertThrows(IllegalArgumentException.class, () -> s.head(-1));
  }

  private record Case(Executable call, String given, String accepted) {}
}
