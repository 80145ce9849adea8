package example.consumer;

import com.sun.net.httpserver.HttpServer;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.source.CandleSourceProvider;
import io.github.ohlcv4j.source.CandleSources;
import io.github.ohlcv4j.source.CandleStore;
import io.github.ohlcv4j.source.SampleSource;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * What a new user of ohlcv4j does first, run from a project that knows ohlcv4j only through its
 * published POMs: the quickstart on the sample market, plus the checks that those POMs resolve to a
 * class path that works.
 *
 * <p>System properties: {@code check.repository} (the local repository the ohlcv4j jars must come
 * from), {@code check.okio} and {@code check.kotlin} (the Okio and Kotlin versions ohlcv4j is built
 * and tested with).
 */
public final class ConsumerCheck {
  private static final List<String> problems = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    quickstart();
    classPath();
    okHttpRuns();
    providersLoad();
    store();
    if (!problems.isEmpty()) {
      System.err.println();
      System.err.println("The installed artifacts do NOT work for a consumer:");
      problems.forEach(p -> System.err.println("  - " + p));
      System.exit(1);
    }
    System.out.println();
    System.out.println("Consumer check passed.");
  }

  /** The quickstart: a day of one-minute candles from the sample market, resampled to hours. */
  private static void quickstart() {
    Instant from = Instant.parse("2024-01-01T00:00:00Z");
    Instant to = Instant.parse("2024-01-02T00:00:00Z");
    try (OhlcvClient client = OhlcvClient.builder().source(SampleSource.create()).build()) {
      CandleSeries day = client.query("BTCUSDT").interval(Interval.M1).between(from, to).fetch();
      CandleSeries hourly = day.resample(Interval.H1);
      System.out.println(hourly.toTable(3));
      System.out.println(day.quality());

      expect(day.size() == 1440, "a day of 1m candles has " + day.size() + " rows, not 1440");
      expect(hourly.size() == 24, "the day resampled to 1h has " + hourly.size() + " rows, not 24");
      expect(day.gaps().isEmpty(), "the sample market has gaps: " + day.gaps());
      expect(day.isSynthetic(), "sample candles are not labelled synthetic");
      expect(
          hourly.open(0) == day.open(0) && hourly.close(23) == day.close(1439),
          "the hourly series does not open and close where the minutes do");
      CandleSeries async =
          client
              .query("BTCUSDT")
              .interval("1h")
              .between(from, to)
              .fetchAsync()
              .get(30, TimeUnit.SECONDS);
      expect(
          async.size() == 24 && async.close(23) == hourly.close(23),
          "fetchAsync of 1h candles disagrees with the resampled minutes");
    } catch (Exception e) {
      problems.add("the quickstart failed: " + e);
      e.printStackTrace();
    }
  }

  /**
   * The class path Maven resolved from the published POMs: ohlcv4j from the freshly installed
   * artifacts only, Okio and Kotlin at the versions ohlcv4j is tested with (Moshi asks for older
   * ones), and no class in two jars.
   */
  private static void classPath() throws IOException {
    String repo = System.getProperty("check.repository");
    List<String> entries = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
    TreeSet<String> ohlcv4j = new TreeSet<>();
    for (String e : entries) {
      String name = Path.of(e).getFileName().toString();
      if (name.startsWith("ohlcv4j-")) {
        ohlcv4j.add(name);
        if (repo != null
            && !Path.of(e).toAbsolutePath().startsWith(Path.of(repo).toAbsolutePath())) {
          problems.add(name + " comes from " + e + ", not from the installed artifacts in " + repo);
        }
      }
    }
    System.out.println("ohlcv4j on the class path: " + ohlcv4j);
    for (String module :
        List.of("ohlcv4j-core", "ohlcv4j-exchange", "ohlcv4j-clickhouse", "ohlcv4j-duckdb")) {
      expect(
          ohlcv4j.stream().anyMatch(n -> n.startsWith(module + "-")),
          module + " is not on the class path: the BOM or its POM did not resolve");
    }
    jarVersion("okio.Buffer", "okio-jvm", System.getProperty("check.okio"));
    jarVersion("kotlin.Unit", "kotlin-stdlib", System.getProperty("check.kotlin"));

    Map<String, String> owner = new TreeMap<>();
    TreeSet<String> clashes = new TreeSet<>();
    for (String e : entries) {
      if (!e.endsWith(".jar")) {
        continue;
      }
      try (ZipFile zip = new ZipFile(e)) {
        for (Enumeration<? extends ZipEntry> it = zip.entries(); it.hasMoreElements(); ) {
          String n = it.nextElement().getName();
          if (!n.endsWith(".class")
              || n.endsWith("module-info.class")
              || n.startsWith("META-INF/")) {
            continue;
          }
          String jar = Path.of(e).getFileName().toString();
          String first = owner.putIfAbsent(n, jar);
          if (first != null && !first.equals(jar)) {
            clashes.add(first + " and " + jar);
          }
        }
      }
    }
    expect(clashes.isEmpty(), "the same classes are in two jars: " + clashes);
  }

  private static void jarVersion(String className, String artifact, String expected) {
    try {
      URL where = Class.forName(className).getProtectionDomain().getCodeSource().getLocation();
      String jar = Path.of(where.toURI()).getFileName().toString();
      System.out.println(artifact + " resolved to " + jar);
      if (expected != null) {
        expect(
            jar.equals(artifact + "-" + expected + ".jar"),
            artifact
                + " resolved to "
                + jar
                + " but ohlcv4j is built and tested with "
                + expected
                + ": declare it directly in every module whose dependencies ask for another"
                + " version (Moshi asks for older Okio and Kotlin)");
      }
    } catch (Exception e) {
      problems.add(artifact + " is not usable: " + e);
    }
  }

  /**
   * One real HTTP exchange through OkHttp, on the loopback interface: the call that fails with
   * NoSuchMethodError when Moshi's old Okio wins the resolution.
   */
  private static void okHttpRuns() {
    HttpServer server = null;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/",
          exchange -> {
            byte[] body = "ohlcv4j".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      server.start();
      OkHttpClient http = new OkHttpClient();
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
      try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
        String body = r.body().string();
        expect(
            r.code() == 200 && body.equals("ohlcv4j"),
            "OkHttp read " + r.code() + " '" + body + "' from a local server");
      }
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
      // The client accepts the caller's OkHttp client (the one third-party type in its API).
      OhlcvClient.builder().source(SampleSource.create()).okHttpClient(http).build().close();
      System.out.println("OkHttp and Okio work together.");
    } catch (Throwable t) {
      problems.add("an HTTP call through OkHttp failed: " + t);
      t.printStackTrace();
    } finally {
      if (server != null) {
        server.stop(0);
      }
    }
  }

  /**
   * Every CandleSourceProvider that the installed jars register loads, so their POMs bring what the
   * sources need.
   */
  private static void providersLoad() throws IOException {
    TreeSet<String> declared = new TreeSet<>();
    Enumeration<URL> files =
        ConsumerCheck.class
            .getClassLoader()
            .getResources("META-INF/services/" + CandleSourceProvider.class.getName());
    while (files.hasMoreElements()) {
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(files.nextElement().openStream(), StandardCharsets.UTF_8))) {
        in.lines()
            .map(l -> l.replaceAll("#.*", "").trim())
            .filter(l -> !l.isEmpty())
            .forEach(declared::add);
      }
    }
    try {
      TreeSet<String> loaded = new TreeSet<>();
      for (CandleSourceProvider p : CandleSources.providers()) {
        loaded.add(p.getClass().getName());
        System.out.println("source provider " + p.getClass().getName() + " opens " + p.schemes());
      }
      TreeSet<String> missing = new TreeSet<>(declared);
      missing.removeAll(loaded);
      expect(missing.isEmpty(), "registered source providers did not load: " + missing);
    } catch (Throwable t) {
      problems.add("loading the source providers failed: " + t);
      t.printStackTrace();
    }
  }

  /**
   * The embedded store opened by URI, in memory: its native library loads from the installed jar,
   * and candles written come back.
   */
  private static void store() {
    Instant from = Instant.parse("2024-01-01T00:00:00Z");
    Instant to = Instant.parse("2024-01-02T00:00:00Z");
    try (CandleStore store = (CandleStore) CandleSources.open("duckdb::memory:");
        OhlcvClient client = OhlcvClient.builder().source(SampleSource.create()).build()) {
      CandleSeries day = client.query("BTCUSDT").interval(Interval.M1).between(from, to).fetch();
      store.write(day, new TimeRange(from, to));
      OhlcvQuery hours =
          OhlcvQuery.builder().symbol("BTCUSDT").between(from, to).resample(Interval.H1).build();
      CandleSeries back = store.fetch(hours);
      System.out.println("duckdb store: " + back.size() + " hours back from " + store.name());
      expect(
          back.equals(day.resample(Interval.H1)),
          "the DuckDB store did not give back the hours of the candles written");
      expect(
          store.coverage(day.symbol(), Interval.M1).isComplete(new TimeRange(from, to)),
          "the DuckDB store does not hold the written day complete");
    } catch (Throwable t) {
      problems.add("the DuckDB store failed: " + t);
      t.printStackTrace();
    }
  }

  private static void expect(boolean ok, String problem) {
    if (!ok) {
      problems.add(problem);
    }
  }
}
