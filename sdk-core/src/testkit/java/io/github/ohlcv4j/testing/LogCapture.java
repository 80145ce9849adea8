package io.github.ohlcv4j.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Captures what the library logs, with the MDC of each event, while a test holds it open:
 *
 * <pre>{@code
 * try (LogCapture logs = LogCapture.start()) {
 *   ...
 *   assertTrue(logs.events().stream().noneMatch(e -> e.fullText().contains(secret)));
 * }
 * }</pre>
 *
 * <p>Needs {@link Provider} as the SLF4J provider (system property {@code
 * slf4j.provider=io.github.ohlcv4j.testing.LogCapture$Provider}, set for the tests in the pom); it
 * passes everything on to slf4j-simple, so test output looks as usual. While a capture is open
 * every level is captured, DEBUG included. One capture at a time.
 */
public final class LogCapture implements AutoCloseable {

  /** One log event. */
  public record Event(
      String logger,
      Level level,
      String message,
      Map<String, String> mdc,
      @Nullable Throwable error) {

    /**
     * The message, then the messages of the attached exception, its causes and suppressed
     * exceptions: everything a log appender could print.
     */
    public String fullText() {
      StringBuilder b = new StringBuilder(message);
      append(b, error, 0);
      return b.toString();
    }

    private static void append(StringBuilder b, @Nullable Throwable t, int depth) {
      if (t == null || depth > 10) {
        return;
      }
      b.append('\n').append(t);
      for (Throwable s : t.getSuppressed()) {
        append(b, s, depth + 1);
      }
      append(b, t.getCause(), depth + 1);
    }
  }

  private static volatile @Nullable LogCapture active;

  private final List<Event> events = new ArrayList<>();

  private LogCapture() {}

  /**
   * Starts capturing.
   *
   * @throws IllegalStateException if {@link Provider} is not the SLF4J provider
   */
  public static LogCapture start() {
    ILoggerFactory f = LoggerFactory.getILoggerFactory();
    if (!(f instanceof Factory)) {
      throw new IllegalStateException(
          "LogCapture needs -Dslf4j.provider=" + Provider.class.getName() + ", found " + f);
    }
    LogCapture c = new LogCapture();
    active = c;
    return c;
  }

  /** Everything captured so far. */
  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** The events that match. */
  public List<Event> events(Predicate<Event> filter) {
    return events().stream().filter(filter).collect(Collectors.toList());
  }

  synchronized void add(Event e) {
    events.add(e);
  }

  @Override
  public void close() {
    active = null;
  }

  /** The SLF4J provider that feeds captures and slf4j-simple. */
  public static final class Provider implements SLF4JServiceProvider {
    private final SimpleServiceProvider simple = new SimpleServiceProvider();
    private final MDCAdapter mdc = new BasicMDCAdapter(); // slf4j-simple's own keeps nothing
    private @Nullable Factory factory;

    /** For SLF4J. */
    public Provider() {}

    @Override
    public ILoggerFactory getLoggerFactory() {
      return java.util.Objects.requireNonNull(factory, "factory");
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
      return new BasicMarkerFactory();
    }

    @Override
    public MDCAdapter getMDCAdapter() {
      return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
      return simple.getRequestedApiVersion();
    }

    @Override
    public void initialize() {
      simple.initialize();
      factory = new Factory(simple.getLoggerFactory());
    }
  }

  private static final class Factory implements ILoggerFactory {
    private final ILoggerFactory delegate;
    private final java.util.concurrent.ConcurrentHashMap<String, org.slf4j.Logger> loggers =
        new java.util.concurrent.ConcurrentHashMap<>();

    Factory(ILoggerFactory delegate) {
      this.delegate = delegate;
    }

    @Override
    public org.slf4j.Logger getLogger(String name) {
      return loggers.computeIfAbsent(name, n -> new CapturingLogger(n, delegate.getLogger(n)));
    }
  }

  private static final class CapturingLogger extends AbstractLogger {
    private static final long serialVersionUID = 1L;
    private final transient org.slf4j.Logger delegate;

    CapturingLogger(String name, org.slf4j.Logger delegate) {
      this.name = name;
      this.delegate = delegate;
    }

    private static boolean capturing() {
      return active != null;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return CapturingLogger.class.getName();
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level,
        @Nullable Marker marker,
        String pattern,
        @Nullable Object[] args,
        @Nullable Throwable t) {
      String message = MessageFormatter.basicArrayFormat(pattern, args);
      LogCapture c = active;
      if (c != null) {
        Map<String, String> mdc = MDC.getCopyOfContextMap();
        c.add(new Event(name, level, message, mdc == null ? Map.of() : Map.copyOf(mdc), t));
      }
      if (!delegate.isEnabledForLevel(level)) {
        return;
      }
      switch (level) {
        case ERROR:
          delegate.error(message, t);
          break;
        case WARN:
          delegate.warn(message, t);
          break;
        case INFO:
          delegate.info(message, t);
          break;
        case DEBUG:
          delegate.debug(message, t);
          break;
        default:
          delegate.trace(message, t);
          break;
      }
    }

    @Override
    public boolean isTraceEnabled() {
      return capturing() || delegate.isTraceEnabled();
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
      return isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
      return capturing() || delegate.isDebugEnabled();
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
      return isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
      return capturing() || delegate.isInfoEnabled();
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
      return isInfoEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
      return capturing() || delegate.isWarnEnabled();
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
      return isWarnEnabled();
    }

    @Override
    public boolean isErrorEnabled() {
      return capturing() || delegate.isErrorEnabled();
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
      return isErrorEnabled();
    }
  }
}
