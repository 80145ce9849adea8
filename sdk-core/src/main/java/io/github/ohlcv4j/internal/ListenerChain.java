package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.resilience.CircuitState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Several listeners as one ({@link OhlcvEventListener#plus}): each event goes to each listener in
 * order, each behind its own {@link SafeListener}, so one that throws neither fails the query nor
 * keeps the event from the others. Every method of {@link OhlcvEventListener} is forwarded here: a
 * method added there must be added here (and in {@link SafeListener}) too.
 */
public final class ListenerChain implements OhlcvEventListener {
  private final List<OhlcvEventListener> listeners;

  private ListenerChain(List<OhlcvEventListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  /** {@code first} then {@code second}; chains are flattened and {@link #NONE} is left out. */
  public static OhlcvEventListener of(OhlcvEventListener first, OhlcvEventListener second) {
    List<OhlcvEventListener> all = new ArrayList<>();
    add(all, first);
    add(all, second);
    if (all.isEmpty()) {
      return NONE;
    }
    if (all.size() == 1) {
      return all.get(0);
    }
    List<OhlcvEventListener> safe = new ArrayList<>();
    for (OhlcvEventListener l : all) {
      safe.add(l instanceof SafeListener ? l : new SafeListener(l));
    }
    return new ListenerChain(safe);
  }

  private static void add(List<OhlcvEventListener> all, OhlcvEventListener l) {
    if (l instanceof ListenerChain) {
      all.addAll(((ListenerChain) l).listeners);
    } else if (l != NONE) {
      all.add(l);
    }
  }

  @Override
  public void fetchStart(Fetch fetch) {
    for (OhlcvEventListener l : listeners) {
      l.fetchStart(fetch);
    }
  }

  @Override
  public void pageStart(Fetch fetch, int page, int attempt) {
    for (OhlcvEventListener l : listeners) {
      l.pageStart(fetch, page, attempt);
    }
  }

  @Override
  public void pageEnd(Fetch fetch, int page, int rows, long bytes, Duration duration) {
    for (OhlcvEventListener l : listeners) {
      l.pageEnd(fetch, page, rows, bytes, duration);
    }
  }

  @Override
  public void pageFailed(Fetch fetch, int page, OhlcvException error, Duration duration) {
    for (OhlcvEventListener l : listeners) {
      l.pageFailed(fetch, page, error, duration);
    }
  }

  @Override
  public void progress(Fetch fetch, Progress progress) {
    for (OhlcvEventListener l : listeners) {
      l.progress(fetch, progress);
    }
  }

  @Override
  public void retry(Fetch fetch, int attempt, OhlcvException cause, Duration wait) {
    for (OhlcvEventListener l : listeners) {
      l.retry(fetch, attempt, cause, wait);
    }
  }

  @Override
  public void rateLimitWait(Fetch fetch, Duration wait) {
    for (OhlcvEventListener l : listeners) {
      l.rateLimitWait(fetch, wait);
    }
  }

  @Override
  public void circuitStateChanged(
      String source, CircuitState from, CircuitState to, Optional<Fetch> fetch) {
    for (OhlcvEventListener l : listeners) {
      l.circuitStateChanged(source, from, to, fetch);
    }
  }

  @Override
  public void fetchEnd(Fetch fetch, int rows, Duration duration) {
    for (OhlcvEventListener l : listeners) {
      l.fetchEnd(fetch, rows, duration);
    }
  }

  @Override
  public void fetchFailed(Fetch fetch, OhlcvException error, Duration duration) {
    for (OhlcvEventListener l : listeners) {
      l.fetchFailed(fetch, error, duration);
    }
  }

  @Override
  public String toString() {
    return "ListenerChain" + listeners;
  }

  @Override
  public void batchProgress(Batch batch, int succeeded, int failed) {
    for (OhlcvEventListener l : listeners) {
      l.batchProgress(batch, succeeded, failed);
    }
  }

  @Override
  public void liveConnected(String source, int connection, int streams) {
    for (OhlcvEventListener l : listeners) {
      l.liveConnected(source, connection, streams);
    }
  }

  @Override
  public void liveReconnecting(
      String source, int connection, int attempt, Duration wait, OhlcvException cause) {
    for (OhlcvEventListener l : listeners) {
      l.liveReconnecting(source, connection, attempt, wait, cause);
    }
  }

  @Override
  public void liveGapBackfilled(
      String source,
      io.github.ohlcv4j.Symbol symbol,
      io.github.ohlcv4j.Interval interval,
      java.time.Instant from,
      java.time.Instant to,
      int candles) {
    for (OhlcvEventListener l : listeners) {
      l.liveGapBackfilled(source, symbol, interval, from, to, candles);
    }
  }

  @Override
  public void liveRevised(
      String source,
      io.github.ohlcv4j.Symbol symbol,
      io.github.ohlcv4j.Interval interval,
      io.github.ohlcv4j.Candle candle) {
    for (OhlcvEventListener l : listeners) {
      l.liveRevised(source, symbol, interval, candle);
    }
  }

  @Override
  public void liveStreamFailed(
      String source,
      io.github.ohlcv4j.Symbol symbol,
      io.github.ohlcv4j.Interval interval,
      OhlcvException error) {
    for (OhlcvEventListener l : listeners) {
      l.liveStreamFailed(source, symbol, interval, error);
    }
  }

  @Override
  public void storeRead(
      String store,
      String source,
      io.github.ohlcv4j.Symbol symbol,
      io.github.ohlcv4j.Interval interval,
      StoreRead result) {
    for (OhlcvEventListener l : listeners) {
      l.storeRead(store, source, symbol, interval, result);
    }
  }
}
