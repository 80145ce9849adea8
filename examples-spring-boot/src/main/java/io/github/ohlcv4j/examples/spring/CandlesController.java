package io.github.ohlcv4j.examples.spring;

import io.github.ohlcv4j.Candle;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Candles as JSON, fetched through the auto-configured {@link OhlcvClient}. */
@RestController
public class CandlesController {

  /** One candle as the endpoint shows it. */
  public record CandleView(
      Instant openTime, double open, double high, double low, double close, double volume) {
    static CandleView of(Candle c) {
      return new CandleView(c.openTime(), c.open(), c.high(), c.low(), c.close(), c.volume());
    }
  }

  /** The answer: what was asked, where it came from, the candles. */
  public record CandlesView(
      String symbol, String interval, String source, boolean synthetic, List<CandleView> candles) {}

  private final OhlcvClient client;

  /** Uses the client the starter configured. */
  public CandlesController(OhlcvClient client) {
    this.client = client;
  }

  /** The candles of {@code symbol} and {@code interval} in {@code [from, to)}. */
  @GetMapping("/candles")
  public CandlesView candles(
      @RequestParam("symbol") String symbol,
      @RequestParam(name = "interval", defaultValue = "1h") String interval,
      @RequestParam("from") Instant from,
      @RequestParam("to") Instant to) {
    CandleSeries s = client.query(symbol).interval(interval).between(from, to).fetch();
    return new CandlesView(
        s.symbol().toString(),
        s.interval().toString(),
        s.source(),
        s.isSynthetic(),
        s.stream().map(CandleView::of).toList());
  }

  /** A query that cannot be answered is the caller's mistake. */
  @ExceptionHandler(InvalidQueryException.class)
  public ResponseEntity<Map<String, String>> invalid(InvalidQueryException e) {
    return ResponseEntity.badRequest().body(Map.of("error", String.valueOf(e.getMessage())));
  }

  /** A source that failed: the fetch id ties the answer to the logs. */
  @ExceptionHandler(OhlcvException.class)
  public ResponseEntity<Map<String, String>> failed(OhlcvException e) {
    return ResponseEntity.status(HttpStatus.BAD_GATEWAY)
        .body(
            Map.of(
                "error", String.valueOf(e.getMessage()),
                "fetchId", e.fetchId().orElse("")));
  }
}
