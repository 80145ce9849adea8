package io.github.ohlcv4j.examples.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.examples.notebook.NotebookRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docs test finds the blocks, reads their markers, and names the line of a failure. */
class DocBlocksTest {

  private static final List<Path> CLASS_PATH = NotebookRunner.classPathOfThisJvm();

  @TempDir Path dir;

  private List<DocBlocks.Block> blocks(String markdown) throws Exception {
    Path page = dir.resolve("page.md");
    Files.writeString(page, markdown, StandardCharsets.UTF_8);
    return DocBlocks.read(page, "docs/page.md");
  }

  @Test
  void blocksCarryTheirMarkerAndLine() throws Exception {
    List<DocBlocks.Block> b =
        blocks(
            String.join(
                "\n",
                "# Page", // 1
                "```java", // 2
                "int a = 1;",
                "```",
                "<!-- compile-only: needs a venue -->", // 5
                "",
                "```java", // 7
                "int b = 2;",
                "```",
                "<!-- skip: a signature, not a program -->",
                "```java", // 11
                "void f();",
                "```",
                "<!-- jshell -->",
                "```java", // 15
                "1 + 1",
                "```",
                "```sh",
                "echo not java",
                "```",
                "<!-- just a comment -->",
                "```java", // 22
                "int c = 3;",
                "```",
                ""));
    assertEquals(5, b.size());
    assertEquals(
        List.of(
            DocBlocks.Kind.RUN,
            DocBlocks.Kind.COMPILE_ONLY,
            DocBlocks.Kind.SKIP,
            DocBlocks.Kind.JSHELL,
            DocBlocks.Kind.RUN),
        b.stream().map(DocBlocks.Block::kind).toList());
    assertEquals(List.of(2, 7, 11, 15, 22), b.stream().map(DocBlocks.Block::line).toList());
    assertEquals("int b = 2;\n", b.get(1).code());
    assertEquals("docs/page.md:7", b.get(1).where());
  }

  @Test
  void aSkipNeedsAReasonAndAMisspeltMarkerIsNotTakenForNone() {
    AssertionError e =
        assertThrows(AssertionError.class, () -> blocks("<!-- skip -->\n```java\nx\n```\n"));
    assertTrue(e.getMessage().startsWith("docs/page.md:1: "), e.getMessage());
    AssertionError typo =
        assertThrows(
            AssertionError.class,
            () -> blocks("text\n<!-- compile only: needs a server -->\n```java\nx\n```\n"));
    assertTrue(typo.getMessage().startsWith("docs/page.md:2: not a marker"), typo.getMessage());
  }

  @Test
  void aMavenLineHoldsCoordinatesOnly() throws Exception {
    List<DocBlocks.Block> b =
        blocks(
            "<!-- jshell -->\n```java\n%maven a.b:c:1.0 d:e:2\n```\n"
                + "<!-- jshell -->\n```java\n%maven a.b:c:1.0\n%maven d:e:2   // a comment\n```\n");
    DocSnippetsTest.checkMagics(b.get(0));
    AssertionError e =
        assertThrows(AssertionError.class, () -> DocSnippetsTest.checkMagics(b.get(1)));
    assertTrue(e.getMessage().startsWith("docs/page.md:8: a %maven line"), e.getMessage());
  }

  @Test
  void aCompileErrorNamesTheFileAndLineOfTheMarkdown() throws Exception {
    DocBlocks.Block b =
        blocks(
                "text\n\n```java\nimport java.time.Instant;\n\nInstant t = Instant.now();\n"
                    + "Strin s = t.toString();\n```\n")
            .get(0);
    SnippetProgram p = new SnippetProgram(b, "Wrapped");
    AssertionError e = assertThrows(AssertionError.class, () -> p.compile(CLASS_PATH));
    assertTrue(e.getMessage().contains("docs/page.md:7: cannot find symbol"), e.getMessage());
    assertTrue(e.getMessage().contains("Strin s = t.toString();"), e.getMessage());
  }

  @Test
  void aFragmentUsesTheApiWithoutImportsAndAClassIsCompiledAsWritten() throws Exception {
    DocBlocks.Block fragment =
        blocks("```java\nInterval i = Interval.parse(\"4h\");\nSystem.out.println(i);\n```\n")
            .get(0);
    SnippetProgram f = new SnippetProgram(fragment, "Fragment");
    f.compile(CLASS_PATH);
    f.run(CLASS_PATH, Files.createDirectories(dir.resolve("f")), 60);
    assertEquals("4h\n", Files.readString(dir.resolve("f/stdout.txt")));

    DocBlocks.Block program =
        blocks(
                "```java\npublic class Hello {\n  public static void main(String[] a) {\n"
                    + "    System.out.print(\"hi\");\n  }\n}\n```\n")
            .get(0);
    SnippetProgram p = new SnippetProgram(program, "Unused");
    assertEquals("Hello", p.className);
    p.compile(CLASS_PATH);
    p.run(CLASS_PATH, Files.createDirectories(dir.resolve("p")), 60);
    assertEquals("hi", Files.readString(dir.resolve("p/stdout.txt")));
  }

  @Test
  void aBlockThatThrowsOrHangsFailsNamingIt() throws Exception {
    DocBlocks.Block throwing = blocks("```java\nSymbol.parse(\"BTC USDT\");\n```\n").get(0);
    SnippetProgram t = new SnippetProgram(throwing, "Throws");
    t.compile(CLASS_PATH);
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () -> t.run(CLASS_PATH, Files.createDirectories(dir.resolve("t")), 60));
    assertTrue(e.getMessage().contains("docs/page.md:1 failed"), e.getMessage());
    assertTrue(e.getMessage().contains("InvalidQueryException"), e.getMessage());

    DocBlocks.Block hanging = blocks("```java\nwhile (true) {}\n```\n").get(0);
    SnippetProgram h = new SnippetProgram(hanging, "Hangs");
    h.compile(CLASS_PATH);
    AssertionError slow =
        assertThrows(
            AssertionError.class,
            () -> h.run(CLASS_PATH, Files.createDirectories(dir.resolve("h")), 2));
    assertTrue(slow.getMessage().contains("docs/page.md:1 still runs"), slow.getMessage());
  }
}
