package io.github.ohlcv4j.examples;

import io.github.ohlcv4j.CandleEvent;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.LiveSubscription;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Live candles: the three newest one-minute candles as history, then candles as they happen, until
 * a few more have closed; then it prints the series the subscription holds and stops.
 *
 * <p>With no arguments it streams the embedded sample market with its clock sixty times faster than
 * the wall clock ({@code sample:?speed=60}: a minute of candles forms every second), so it runs
 * offline in a few seconds. Give it a source URI and a symbol to stream a venue instead, for
 * example {@code bybit:linear BYBIT:BTCUSDT.P} (needs internet access; a minute is a minute there),
 * and optionally how many live closes to wait for.
 *
 * <pre>
 * ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=io.github.ohlcv4j.examples.StreamLiveCandles
 * ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=io.github.ohlcv4j.examples.StreamLiveCandles \
 *     -Dexec.args="bybit:linear BYBIT:BTCUSDT.P 2"
 * </pre>
 */
public final class StreamLiveCandles {
  private StreamLiveCandles() {}

  /**
   * Streams candles until enough live ones have closed.
   *
   * @param args optional source URI (default {@code sample:?speed=60}), symbol (default {@code
   *     BTCUSDT}) and number of live closes to wait for (default 3)
   */
  public static void main(String[] args) throws InterruptedException {
    String source = args.length > 0 ? args[0] : "sample:?speed=60";
    String symbol = args.length > 1 ? args[1] : "BTCUSDT";
    int closes = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int history = 3;
    // The most one minute may take on a venue, plus the time to connect: then it gives up.
    long patienceSeconds = source.startsWith("sample:") ? 60 : 90L * closes + 30;

    CountDownLatch done = new CountDownLatch(closes + history);
    AtomicInteger updates = new AtomicInteger();
    AtomicReference<OhlcvException> failure = new AtomicReference<>();
    int exit = 0;
    try (OhlcvClient client = OhlcvClient.of(source)) {
      System.out.println("Source: " + source + ", " + symbol + " 1m, live");
      try (LiveSubscription sub =
          client
              .query(symbol)
              .interval(Interval.M1)
              .latest(history)
              .live()
              .subscribe(
                  event -> {
                    if (event.kind() == CandleEvent.Kind.UPDATE) {
                      updates.incrementAndGet(); // about one a second of market time
                      return;
                    }
                    System.out.println(
                        event + "  (after " + updates.getAndSet(0) + " updates in progress)");
                    if (event.kind() == CandleEvent.Kind.CLOSED) {
                      done.countDown();
                    }
                  },
                  error -> {
                    failure.set(error);
                    while (done.getCount() > 0) {
                      done.countDown();
                    }
                  })) {
        if (!done.await(patienceSeconds, TimeUnit.SECONDS)) {
          System.err.println("No candle closed for " + patienceSeconds + " s; giving up.");
          exit = 1;
        } else if (failure.get() != null) {
          System.err.println("The stream ended: " + failure.get().getMessage());
          exit = 1;
        } else {
          System.out.println();
          System.out.println("What the subscription holds now (history, closes, in progress):");
          System.out.println(sub.series().toTable(10));
        }
      }
    } catch (OhlcvException e) {
      System.err.println("Could not stream candles: " + e.getMessage());
      exit = 1;
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      exit = 2;
    }
    // Closing the client closed its sockets and timers: nothing is left to keep the JVM alive.
    if (exit != 0) {
      System.exit(exit);
    }
  }
}
