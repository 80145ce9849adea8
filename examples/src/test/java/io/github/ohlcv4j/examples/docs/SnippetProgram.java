package io.github.ohlcv4j.examples.docs;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * A {@code java} block of the docs as a compilation unit: as it is when it declares a top-level
 * class, record, interface or enum; otherwise wrapped into a class whose {@code main} holds the
 * block, with the block's import lines moved to the top and {@link #IMPORTS} added, so a fragment
 * reads as it would in an IDE that adds imports. Compiled in memory against a class path, and run
 * in a JVM of its own with a fresh working directory, so that files it writes and threads it leaves
 * behind do not reach the test.
 */
final class SnippetProgram {

  /**
   * The imports a fragment gets without writing them: the API's packages and the usual JDK ones.
   */
  static final List<String> IMPORTS =
      List.of(
          "io.github.ohlcv4j.*",
          "io.github.ohlcv4j.quality.*",
          "io.github.ohlcv4j.resilience.*",
          "io.github.ohlcv4j.source.*",
          "io.github.ohlcv4j.clickhouse.*",
          "io.github.ohlcv4j.duckdb.*",
          "io.github.ohlcv4j.exchange.binance.*",
          "io.github.ohlcv4j.exchange.bybit.*",
          "io.github.ohlcv4j.exchange.polygon.*",
          "java.nio.file.*",
          "java.time.*",
          "java.util.*",
          "java.util.concurrent.*",
          "java.util.stream.*");

  private static final Pattern TYPE =
      Pattern.compile(
          "^(?:(?:public|final|abstract|sealed|non-sealed)\\s+)*(?:class|record|interface|enum)"
              + "\\s+(\\w+).*");
  private static final Pattern IMPORT =
      Pattern.compile("^\\s*import\\s+(?:static\\s+)?[\\w.]+(?:\\.\\*)?\\s*;\\s*$");

  final DocBlocks.Block block;
  final String className;
  final String source;
  final boolean hasMain;

  /** For each line of {@link #source} (from 0), the block's line it came from (from 1), or 0. */
  private final int[] blockLines;

  private Map<String, byte[]> classes = Map.of();

  SnippetProgram(DocBlocks.Block block, String wrapperName) {
    this.block = block;
    String[] lines = block.code().split("\n", -1);
    String typeName = null;
    String mainType = null;
    for (String l : lines) {
      Matcher m = TYPE.matcher(l);
      if (m.matches()) {
        typeName = typeName == null || l.startsWith("public") ? m.group(1) : typeName;
        mainType = m.group(1);
      }
      if (l.contains("static void main(") && mainType != null) {
        break;
      }
    }
    List<String> out = new ArrayList<>();
    List<Integer> map = new ArrayList<>();
    if (typeName != null) {
      // A compilation unit as written.
      for (int i = 0; i < lines.length; i++) {
        out.add(lines[i]);
        map.add(i + 1);
      }
      this.hasMain = block.code().contains("static void main(");
      this.className = hasMain ? mainType : typeName;
    } else {
      for (String imp : IMPORTS) {
        out.add("import " + imp + ";");
        map.add(0);
      }
      for (int i = 0; i < lines.length; i++) {
        if (IMPORT.matcher(lines[i]).matches()) {
          out.add(lines[i].strip());
          map.add(i + 1);
        }
      }
      out.add("public final class " + wrapperName + " {");
      map.add(0);
      out.add("public static void main(String[] args) throws Exception {");
      map.add(0);
      for (int i = 0; i < lines.length; i++) {
        if (!IMPORT.matcher(lines[i]).matches()) {
          out.add(lines[i]);
          map.add(i + 1);
        }
      }
      out.add("}}");
      map.add(0);
      this.hasMain = true;
      this.className = wrapperName;
    }
    this.source = String.join("\n", out) + "\n";
    this.blockLines = map.stream().mapToInt(Integer::intValue).toArray();
    this.fileName = typeName != null && hasPublicType(lines) ? typeName : className;
  }

  private final String fileName;

  private static boolean hasPublicType(String[] lines) {
    for (String l : lines) {
      if (l.startsWith("public") && TYPE.matcher(l).matches()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Compiles the program against {@code classPath}.
   *
   * @throws AssertionError naming the Markdown file and line of each error
   */
  void compile(List<Path> classPath) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Map<String, ByteArrayOutputStream> out = new LinkedHashMap<>();
    StandardJavaFileManager std =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
    JavaFileManager files =
        new ForwardingJavaFileManager<>(std) {
          @Override
          public JavaFileObject getJavaFileForOutput(
              Location location, String name, JavaFileObject.Kind kind, FileObject sibling) {
            return new SimpleJavaFileObject(
                URI.create("mem:///" + name.replace('.', '/') + kind.extension), kind) {
              @Override
              public OutputStream openOutputStream() {
                return out.computeIfAbsent(name, n -> new ByteArrayOutputStream());
              }
            };
          }
        };
    JavaFileObject unit =
        new SimpleJavaFileObject(
            URI.create("string:///" + fileName + ".java"), JavaFileObject.Kind.SOURCE) {
          @Override
          public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return source;
          }
        };
    List<String> options =
        List.of(
            "-classpath",
            join(classPath),
            "-proc:none",
            "-implicit:none",
            "-Xlint:none",
            "-encoding",
            "UTF-8");
    boolean ok = javac.getTask(null, files, diagnostics, options, null, List.of(unit)).call();
    if (!ok) {
      StringBuilder b = new StringBuilder();
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        if (d.getKind() != Diagnostic.Kind.ERROR) {
          continue;
        }
        int generated = (int) d.getLineNumber() - 1;
        int inBlock = generated >= 0 && generated < blockLines.length ? blockLines[generated] : 0;
        int docLine = inBlock == 0 ? block.line() : block.docLine(inBlock);
        b.append(block.file())
            .append(':')
            .append(docLine)
            .append(": ")
            .append(d.getMessage(Locale.ROOT).lines().findFirst().orElse(""))
            .append("\n    ")
            .append(inBlock == 0 ? "(in the wrapper)" : source.split("\n")[generated].strip())
            .append('\n');
      }
      throw new AssertionError(
          "The java block at "
              + block.where()
              + " does not compile (mark it <!-- skip: why --> if it is not Java code):\n"
              + b);
    }
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    out.forEach((k, v) -> bytes.put(k, v.toByteArray()));
    this.classes = bytes;
  }

  /**
   * Runs {@code main} in a JVM of its own, in a fresh working directory under {@code dir}.
   *
   * @throws AssertionError naming the block if it does not end in time, exits with an error, or
   *     prints a stack trace
   */
  void run(List<Path> classPath, Path dir, long timeoutSeconds) throws Exception {
    Path classDir = Files.createDirectories(dir.resolve("classes"));
    for (Map.Entry<String, byte[]> c : classes.entrySet()) {
      Path f = classDir.resolve(c.getKey().replace('.', '/') + ".class");
      Files.createDirectories(f.getParent());
      Files.write(f, c.getValue());
    }
    Path work = Files.createDirectories(dir.resolve("work"));
    List<Path> cp = new ArrayList<>();
    cp.add(classDir);
    cp.addAll(classPath);
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            join(cp),
            "-Djava.awt.headless=true",
            className);
    ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
    pb.environment().remove("POLYGON_API_KEY");
    Path stdout = dir.resolve("stdout.txt");
    Path stderr = dir.resolve("stderr.txt");
    pb.redirectOutput(stdout.toFile());
    pb.redirectError(stderr.toFile());
    Process p = pb.start();
    boolean ended;
    try {
      ended = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    } finally {
      p.destroyForcibly();
    }
    String printed =
        "It printed:\n"
            + Files.readString(stdout, StandardCharsets.UTF_8)
            + "\nand on stderr:\n"
            + Files.readString(stderr, StandardCharsets.UTF_8);
    if (!ended) {
      throw new AssertionError(
          "The java block at "
              + block.where()
              + " still runs after "
              + timeoutSeconds
              + " s (a client not closed, or a call to a venue? mark it <!-- compile-only: why"
              + " -->). "
              + printed);
    }
    String err = Files.readString(stderr, StandardCharsets.UTF_8);
    if (p.exitValue() != 0 || err.contains("Exception in thread") || err.contains("\tat ")) {
      throw new AssertionError(
          "The java block at "
              + block.where()
              + " failed (exit code "
              + p.exitValue()
              + "); if it needs a venue or a server, mark it <!-- compile-only: why -->. "
              + printed);
    }
  }

  private static String join(List<Path> paths) {
    List<String> s = new ArrayList<>();
    for (Path p : paths) {
      s.add(p.toString());
    }
    return String.join(File.pathSeparator, s);
  }

  /** For messages. */
  @Override
  public String toString() {
    return block.where() + " as " + className + ":\n" + source;
  }
}
