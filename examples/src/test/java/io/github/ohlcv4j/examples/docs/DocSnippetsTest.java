package io.github.ohlcv4j.examples.docs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.examples.notebook.NotebookRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of {@code README.md} and {@code docs/**.md} compiles against the
 * project's code, and runs if it can run here, so the docs cannot drift from the API. How a block
 * is treated is said by a marker right above it (CONTRIBUTING.md, "Code in the docs"; {@link
 * DocBlocks}); a new page is picked up without any change here. A failure names the file and line.
 */
class DocSnippetsTest {

  /** The most a block may run: the runnable ones read the sample market and take a second. */
  private static final long TIMEOUT_SECONDS = 60;

  private static final List<Path> CLASS_PATH = NotebookRunner.classPathOfThisJvm();

  private final Map<String, NotebookRunner> shells = new HashMap<>();

  @TempDir Path tmp;

  @AfterEach
  void closeShells() {
    shells.values().forEach(NotebookRunner::close);
  }

  /** The repository's root: the folder above the module with README.md and docs/. */
  static Path root() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !(Files.isRegularFile(p.resolve("README.md")) && hasDocs(p))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("No README.md with a docs/ folder above " + Path.of(""));
    }
    return p;
  }

  private static boolean hasDocs(Path p) {
    return Files.isDirectory(p.resolve("docs")) && Files.isDirectory(p.resolve("examples"));
  }

  /** README.md, then every Markdown file under docs/, in name order. */
  static List<Path> pages(Path root) throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(root.resolve("README.md"));
    try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
      docs.filter(f -> f.toString().toLowerCase(Locale.ROOT).endsWith(".md"))
          .sorted()
          .forEach(pages::add);
    }
    return pages;
  }

  @TestFactory
  @Timeout(600)
  Stream<DynamicNode> everyJavaBlockCompilesAndRunsWhereItCan() throws IOException {
    Path root = root();
    List<DynamicNode> files = new ArrayList<>();
    for (Path page : pages(root)) {
      String name = root.relativize(page).toString().replace('\\', '/');
      List<DocBlocks.Block> blocks = DocBlocks.read(page, name);
      if (blocks.isEmpty()) {
        continue;
      }
      files.add(
          DynamicContainer.dynamicContainer(
              name,
              blocks.stream()
                  .map(
                      b ->
                          DynamicTest.dynamicTest(
                              b.where() + " (" + b.kind().name().toLowerCase(Locale.ROOT) + ")",
                              () -> check(b)))));
    }
    return files.stream();
  }

  private void check(DocBlocks.Block b) throws Exception {
    switch (b.kind()) {
      case SKIP:
        return;
      case JSHELL:
        checkMagics(b);
        NotebookRunner shell =
            shells.computeIfAbsent(b.file(), f -> NotebookRunner.withThisClassPath());
        // The runner counts lines from 1 in the block; the message adds the file's line.
        try {
          shell.runSnippets(b.code(), "the jshell block at " + b.where());
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + withDocLines(e.getMessage(), b), e);
        }
        return;
      default:
        SnippetProgram program = new SnippetProgram(b, wrapperName(b));
        program.compile(CLASS_PATH);
        if (b.kind() == DocBlocks.Kind.RUN && program.hasMain) {
          program.run(CLASS_PATH, Files.createTempDirectory(tmp, "block"), TIMEOUT_SECONDS);
        }
    }
  }

  private static final java.util.regex.Pattern MAVEN =
      java.util.regex.Pattern.compile("%maven(\\s+[\\w.-]+:[\\w.-]+(:[\\w.-]+){1,3})+\\s*");

  /**
   * A {@code %maven} line holds coordinates only: JJava takes every word after it as an artifact,
   * so a trailing comment would be looked up too. The runner skips these lines, so they are checked
   * here.
   */
  static void checkMagics(DocBlocks.Block b) {
    String[] lines = b.code().split("\n");
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i].strip();
      if (l.startsWith("%maven") && !MAVEN.matcher(l).matches()) {
        throw new AssertionError(
            b.file()
                + ":"
                + b.docLine(i + 1)
                + ": a %maven line holds group:artifact:version coordinates and nothing else"
                + " (JJava would look up a comment as an artifact): "
                + l);
      }
    }
  }

  /** Where the runner's "line N" of a jshell block is in the Markdown file. */
  private static String withDocLines(String message, DocBlocks.Block b) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(", line (\\d+)").matcher(message);
    return m.find()
        ? "\n(that is " + b.file() + ":" + b.docLine(Integer.parseInt(m.group(1))) + ")"
        : "";
  }

  /** {@code Docs_queries_md_42}: unique, and says where it came from in a stack trace. */
  private static String wrapperName(DocBlocks.Block b) {
    return "Docs_" + b.file().replaceAll("[^A-Za-z0-9]", "_") + "_" + b.line();
  }

  @Test
  void theDocsHaveBlocksThatRunAndFewAreSkipped() throws IOException {
    Path root = root();
    List<DocBlocks.Block> all = new ArrayList<>();
    for (Path page : pages(root)) {
      all.addAll(DocBlocks.read(page, root.relativize(page).toString()));
    }
    assertTrue(
        all.stream().anyMatch(b -> b.file().equals("README.md") && b.kind() == DocBlocks.Kind.RUN),
        "the README's program runs");
    assertTrue(all.stream().filter(b -> b.kind() == DocBlocks.Kind.RUN).count() >= 5);
    // A skipped block hides nothing that a marker could check instead.
    List<String> skipped =
        all.stream()
            .filter(b -> b.kind() == DocBlocks.Kind.SKIP)
            .map(DocBlocks.Block::where)
            .collect(Collectors.toList());
    assertFalse(skipped.size() > all.size() / 4, "most blocks are checked, skipped: " + skipped);
  }
}
