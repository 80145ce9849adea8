package io.github.ohlcv4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResilienceAndEventsTest {

  @Test
  void aFlakySourceStillGivesTheCompleteWeekAndTheListenerShowsWhy() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      ResilienceAndEvents.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("Complete: 10080 candles, 0 gaps"), text);
    assertTrue(text.contains("retry: attempt 2 in 300 ms after RateLimitException"), text);
    assertTrue(text.contains("after SourceUnavailableException: HTTP 503"), text);
    assertTrue(text.contains("rate limit: waiting"), text);
    assertTrue(text.contains("page 14:  10,080 candles so far, 100% of the range"), text);
    assertTrue(text.contains("Health of flaky-sample: UP"), text);
  }
}
