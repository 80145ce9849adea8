package io.github.ohlcv4j.examples.notebook;

import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;

/**
 * Runs the code cells of a Jupyter notebook in order, in one {@link JShell}, the way the JJava
 * kernel does, and captures each cell's outputs as JJava would store them.
 *
 * <ul>
 *   <li>Snippets run in this JVM with a given class path (normally this JVM's own), so a notebook
 *       is checked against the project's current code, not a published release.
 *   <li>{@code %maven} and {@code %classpath} line magics are skipped: the class path is the
 *       project's. Any other magic fails, since this runner cannot do what it asks.
 *   <li>A cell is split into snippets with {@link SourceCodeAnalysis#analyzeCompletion(String)} and
 *       each snippet is evaluated in turn.
 *   <li>What a cell prints becomes a {@code stream} output; the value of its last snippet, if that
 *       is an expression with a non-null value, an {@code execute_result}: a {@link RenderedImage}
 *       as {@code image/png}, anything else as {@code text/plain} ({@code String.valueOf}).
 *   <li>Any compile error (with the cell and line), exception, rejected or unresolved snippet, or
 *       incomplete code fails the run with a {@link NotebookFailure}.
 * </ul>
 *
 * <p>JJava also stores a {@code text/plain} form of a picture ({@code BufferedImage@1b2c3d...}); it
 * holds an identity hash, so this runner leaves it out. Not thread-safe: it redirects {@link
 * System#out} and {@link System#err} while a cell runs.
 */
public final class NotebookRunner implements AutoCloseable {

  private final JShell shell;
  private final ValueCapturingExecutionControl control;

  /**
   * A runner whose snippets compile and run against {@code classPath}.
   *
   * @param classPath folders and jars
   */
  NotebookRunner(List<Path> classPath) {
    this.control = new ValueCapturingExecutionControl();
    this.shell = JShell.builder().executionEngine(control.provider(), Map.of()).build();
    if (!classPath.isEmpty()) {
      shell.addToClasspath(
          classPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
    }
  }

  /** A runner with the class path of this JVM (under Maven: the module's test class path). */
  public static NotebookRunner withThisClassPath() {
    return new NotebookRunner(classPathOfThisJvm());
  }

  /**
   * The class path of this JVM, with the {@code Class-Path} of manifest-only jars expanded: Maven
   * Surefire starts tests through such a jar, whose manifest lists the real class path.
   */
  public static List<Path> classPathOfThisJvm() {
    Set<Path> out = new LinkedHashSet<>();
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        addWithManifestClassPath(Path.of(entry).toAbsolutePath().normalize(), out);
      }
    }
    return List.copyOf(out);
  }

  private static void addWithManifestClassPath(Path entry, Set<Path> out) {
    if (!out.add(entry) || !Files.isRegularFile(entry) || !entry.toString().endsWith(".jar")) {
      return;
    }
    try (JarFile jar = new JarFile(entry.toFile())) {
      Manifest manifest = jar.getManifest();
      String classPath =
          manifest == null
              ? null
              : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
      if (classPath == null) {
        return;
      }
      URI base = entry.toUri();
      for (String ref : classPath.trim().split("\\s+")) {
        if (!ref.isEmpty()) {
          addWithManifestClassPath(
              Path.of(base.resolve(new URI(null, null, ref, null))).normalize(), out);
        }
      }
    } catch (IOException | URISyntaxException | IllegalArgumentException e) {
      throw new IllegalStateException("Cannot read the class path in " + entry, e);
    }
  }

  /**
   * Runs every code cell of {@code notebook} in order.
   *
   * @return the outputs of each code cell, in the order of {@link Notebook#codeCells()}
   * @throws NotebookFailure at the first cell that does not compile, throws or is incomplete
   */
  List<List<CellOutput>> run(Notebook notebook) {
    List<List<CellOutput>> all = new ArrayList<>();
    int count = 0;
    for (Notebook.Cell cell : notebook.codeCells()) {
      all.add(runCell(cell, ++count));
    }
    return all;
  }

  /**
   * Runs one cell; {@code executionCount} is its {@code In [n]} number.
   *
   * @throws NotebookFailure if the cell fails
   */
  List<CellOutput> runCell(Notebook.Cell cell, int executionCount) {
    return run(cell.source(), "cell " + cell.number() + " (In [" + executionCount + "])");
  }

  /**
   * Runs {@code source} as one cell, after the cells run before it, for JShell code that is not in
   * a notebook (the docs' snippets); {@code where} names it in a failure, which adds ", line N"
   * (counted from 1 in {@code source}).
   *
   * @throws NotebookFailure if the code fails
   */
  public void runSnippets(String source, String where) {
    run(source, where);
  }

  private List<CellOutput> run(String source, String where) {
    String code = withoutMagics(source, where);
    Capture capture = new Capture();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    Object last = null;
    System.setOut(capture.stream("stdout"));
    System.setErr(capture.stream("stderr"));
    try {
      SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
      String rest = code;
      while (true) {
        SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
        if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
          break;
        }
        // The snippet's source starts where the rest of the cell starts, blank lines included.
        int start = code.length() - rest.length();
        if (!info.completeness().isComplete()) {
          throw new NotebookFailure(
              where
                  + ", line "
                  + lineAt(code, start + leadingBlank(rest))
                  + ": incomplete code (a missing brace, parenthesis or semicolon?):\n"
                  + info.remaining().strip());
        }
        last = evaluate(info.source(), code, start, where);
        rest = info.remaining();
      }
    } finally {
      System.out.flush();
      System.err.flush();
      System.setOut(oldOut);
      System.setErr(oldErr);
      control.clear();
    }
    List<CellOutput> outputs = new ArrayList<>(capture.outputs());
    if (last != null) {
      outputs.add(render(last));
    }
    return outputs;
  }

  /** Evaluates one snippet that starts at {@code start} in the cell; returns its display value. */
  private Object evaluate(String snippetSource, String code, int start, String where) {
    List<SnippetEvent> events = shell.eval(snippetSource);
    Object value = null;
    for (SnippetEvent event : events) {
      if (event.causeSnippet() != null) {
        continue; // a consequence of this snippet for an earlier one (a redefinition)
      }
      Snippet snippet = event.snippet();
      JShellException thrown = event.exception();
      if (thrown != null) {
        throw new NotebookFailure(
            where
                + ", line "
                + lineAt(code, start + leadingBlank(snippetSource))
                + ": "
                + describe(thrown, snippet),
            thrown);
      }
      if (event.status() != Snippet.Status.VALID) {
        throw new NotebookFailure(compileErrors(snippet, event.status(), code, start, where));
      }
      switch (snippet.subKind()) {
        case VAR_VALUE_SUBKIND, OTHER_EXPRESSION_SUBKIND, TEMP_VAR_EXPRESSION_SUBKIND ->
            value = event.value() == null ? null : control.take(event.value());
        default -> value = null;
      }
    }
    return value;
  }

  private String describe(JShellException thrown, Snippet snippet) {
    if (thrown instanceof EvalException e) {
      return e.getExceptionClassName() + ": " + e.getMessage();
    }
    if (thrown instanceof UnresolvedReferenceException e) {
      return "unresolved reference in "
          + e.getSnippet().source().strip()
          + " (needs "
          + shell.unresolvedDependencies(e.getSnippet()).collect(Collectors.joining(", "))
          + ")";
    }
    return thrown.toString() + " in " + snippet.source().strip();
  }

  private String compileErrors(
      Snippet snippet, Snippet.Status status, String code, int start, String where) {
    StringBuilder b = new StringBuilder();
    List<Diag> diags = shell.diagnostics(snippet).collect(Collectors.toList());
    String source = snippet.source();
    int firstLine = lineAt(code, start + leadingBlank(source));
    for (Diag d : diags) {
      if (!d.isError()) {
        continue;
      }
      long pos = Math.max(0, d.getStartPosition());
      int line = lineAt(code, start) + countNewlines(source, (int) Math.min(pos, source.length()));
      b.append(where)
          .append(", line ")
          .append(line)
          .append(": ")
          .append(withoutLocation(d.getMessage(Locale.ROOT)))
          .append("\n    ")
          .append(lineOf(source, (int) Math.min(pos, source.length())).strip())
          .append('\n');
    }
    if (snippet instanceof DeclarationSnippet decl) {
      List<String> missing = shell.unresolvedDependencies(decl).collect(Collectors.toList());
      if (!missing.isEmpty()) {
        b.append(where)
            .append(", line ")
            .append(firstLine)
            .append(": ")
            .append(decl.name())
            .append(" needs what no earlier cell defines: ")
            .append(String.join(", ", missing))
            .append('\n');
      }
    }
    if (b.length() == 0) {
      b.append(where)
          .append(", line ")
          .append(firstLine)
          .append(": snippet not accepted (")
          .append(status)
          .append("): ")
          .append(source.strip());
    }
    return b.toString().stripTrailing();
  }

  /** Drops javac's "location: class" line, which names JShell's wrapper class, not the cell. */
  private static String withoutLocation(String message) {
    return message
        .lines()
        .filter(l -> !l.strip().startsWith("location:"))
        .collect(Collectors.joining("\n"));
  }

  private static CellOutput render(Object value) {
    if (value instanceof RenderedImage image) {
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      try {
        ImageIO.write(image, "png", png);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new CellOutput.Data(
          "execute_result",
          Map.of(CellOutput.PNG, Base64.getEncoder().encodeToString(png.toByteArray())));
    }
    return new CellOutput.Data("execute_result", Map.of(CellOutput.TEXT, String.valueOf(value)));
  }

  /**
   * The cell with its {@code %maven} and {@code %classpath} lines blanked (so line numbers stay
   * right).
   *
   * @throws NotebookFailure for a cell magic or any other line magic
   */
  static String withoutMagics(String source, String where) {
    String[] lines = source.split("\n", -1);
    StringBuilder b = new StringBuilder(source.length());
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String t = line.strip();
      if (t.startsWith("%%")) {
        throw new NotebookFailure(
            where
                + ", line "
                + (i + 1)
                + ": cell magic "
                + t.split("\\s+")[0]
                + " is not supported here; only the %maven and %classpath line magics are");
      }
      if (t.startsWith("%")) {
        String name = t.substring(1).split("\\s+")[0];
        if (!name.equals("maven") && !name.equals("classpath")) {
          throw new NotebookFailure(
              where
                  + ", line "
                  + (i + 1)
                  + ": line magic %"
                  + name
                  + " is not supported here; only %maven and %classpath are (they are skipped: the"
                  + " class path is the project's)");
        }
        line = "";
      }
      if (i > 0) {
        b.append('\n');
      }
      b.append(line);
    }
    return b.toString();
  }

  private static int leadingBlank(String s) {
    int i = 0;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** The 1-based line of {@code offset} in {@code text}. */
  private static int lineAt(String text, int offset) {
    return 1 + countNewlines(text, Math.min(offset, text.length()));
  }

  private static int countNewlines(String text, int end) {
    int n = 0;
    for (int i = 0; i < end; i++) {
      if (text.charAt(i) == '\n') {
        n++;
      }
    }
    return n;
  }

  private static String lineOf(String text, int offset) {
    int from = text.lastIndexOf('\n', offset - 1) + 1;
    int to = text.indexOf('\n', offset);
    return text.substring(from, to < 0 ? text.length() : to);
  }

  @Override
  public void close() {
    shell.close();
  }

  /**
   * What a cell writes to stdout and stderr, in order, with consecutive writes to the same stream
   * joined (as Jupyter shows them).
   */
  private static final class Capture {
    private final List<String> names = new ArrayList<>();
    private final List<ByteArrayOutputStream> chunks = new ArrayList<>();

    PrintStream stream(String name) {
      OutputStream sink =
          new OutputStream() {
            @Override
            public void write(int b) {
              synchronized (Capture.this) {
                current(name).write(b);
              }
            }

            @Override
            public void write(byte[] b, int off, int len) {
              synchronized (Capture.this) {
                current(name).write(b, off, len);
              }
            }
          };
      return new PrintStream(sink, true, StandardCharsets.UTF_8);
    }

    private ByteArrayOutputStream current(String name) {
      int last = names.size() - 1;
      if (last >= 0 && names.get(last).equals(name)) {
        return chunks.get(last);
      }
      names.add(name);
      ByteArrayOutputStream chunk = new ByteArrayOutputStream();
      chunks.add(chunk);
      return chunk;
    }

    synchronized List<CellOutput> outputs() {
      List<CellOutput> out = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        String text = chunks.get(i).toString(StandardCharsets.UTF_8);
        if (!text.isEmpty()) {
          out.add(new CellOutput.Stream(names.get(i), text));
        }
      }
      return out;
    }
  }
}
