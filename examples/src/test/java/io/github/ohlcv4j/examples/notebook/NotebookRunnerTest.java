package io.github.ohlcv4j.examples.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.squareup.moshi.Moshi;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the runner does with cells: outputs as JJava would store them, magic lines, and failures
 * that name the cell and line. One JShell serves all tests (each uses its own names), since
 * starting one costs about a second.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotebookRunnerTest {

  private NotebookRunner runner;

  @BeforeAll
  void start() {
    runner = NotebookRunner.withThisClassPath();
  }

  @AfterAll
  void stop() {
    runner.close();
  }

  @Test
  void printedTextIsAStreamAndTheLastExpressionIsTheResult() {
    List<List<CellOutput>> out =
        runner.run(
            notebook(
                "code",
                "int a1 = 20;\nSystem.out.println(\"a1 is \" + a1);\nSystem.out.print(\"done\");\n"
                    + "a1 + 1",
                "markdown",
                "# not run: `a1 = 0;`",
                "code",
                "String s1 = \"two\\nlines\";\ns1",
                "code",
                "int b1 = a1 * 2;",
                "code",
                "System.err.println(\"warning\");\nObject n1 = null;\nn1",
                "code",
                "java.util.List.of(1, 2)"));

    assertEquals(
        List.of(
            new CellOutput.Stream("stdout", "a1 is 20\ndone"),
            new CellOutput.Data("execute_result", Map.of(CellOutput.TEXT, "21"))),
        out.get(0));
    // A String shows as itself, not as JShell's quoted "two\nlines".
    assertEquals(
        List.of(new CellOutput.Data("execute_result", Map.of(CellOutput.TEXT, "two\nlines"))),
        out.get(1));
    // A declaration shows nothing; a null value shows nothing.
    assertEquals(List.of(), out.get(2));
    assertEquals(List.of(new CellOutput.Stream("stderr", "warning\n")), out.get(3));
    assertEquals(
        List.of(new CellOutput.Data("execute_result", Map.of(CellOutput.TEXT, "[1, 2]"))),
        out.get(4));
  }

  @Test
  void aBufferedImageIsShownAsPng() throws IOException {
    List<List<CellOutput>> out =
        runner.run(
            notebook(
                "code",
                "import java.awt.image.BufferedImage;\n"
                    + "BufferedImage img2 = new BufferedImage(64, 32, BufferedImage.TYPE_INT_RGB);\n"
                    + "img2.setRGB(3, 4, 0xFF0000);\n"
                    + "img2"));

    CellOutput.Data result = (CellOutput.Data) out.get(0).get(0);
    assertEquals(List.of(CellOutput.PNG), List.copyOf(result.data().keySet()));
    BufferedImage png =
        ImageIO.read(
            new ByteArrayInputStream(
                Base64.getDecoder().decode(result.data().get(CellOutput.PNG))));
    assertEquals(64, png.getWidth());
    assertEquals(32, png.getHeight());
    assertEquals(0xFF0000, png.getRGB(3, 4) & 0xFFFFFF);
  }

  @Test
  void mavenAndClasspathMagicsAreSkippedKeepingLineNumbers() {
    List<List<CellOutput>> out =
        runner.run(
            notebook(
                "code",
                "%maven io.github.ohlcv4j:ohlcv4j-core:1.2.3\n"
                    + "  %classpath /nowhere\n"
                    + "int c3 = 3;\n"
                    + "c3"));
    assertEquals(
        List.of(new CellOutput.Data("execute_result", Map.of(CellOutput.TEXT, "3"))), out.get(0));

    NotebookFailure f =
        assertThrows(
            NotebookFailure.class,
            () -> runner.run(notebook("code", "%maven a:b:1\nint d3 = 1;\nd3 + undefinedName3")));
    assertTrue(f.getMessage().contains("cell 1 (In [1]), line 3"), f.getMessage());
  }

  @Test
  void otherMagicsFailLoudly() {
    NotebookFailure line =
        assertThrows(
            NotebookFailure.class, () -> runner.run(notebook("code", "int e4 = 1;\n%time e4")));
    assertTrue(line.getMessage().contains("line 2: line magic %time"), line.getMessage());

    NotebookFailure cell =
        assertThrows(
            NotebookFailure.class,
            () -> runner.run(notebook("markdown", "x", "code", "%%bash\necho hi")));
    assertTrue(cell.getMessage().startsWith("cell 2 (In [1]), line 1: cell magic %%bash"));
  }

  @Test
  void aCompileErrorNamesTheCellTheLineAndTheReason() {
    NotebookFailure f =
        assertThrows(
            NotebookFailure.class,
            () ->
                runner.run(
                    notebook(
                        "code",
                        "int f5 = 1;",
                        "markdown",
                        "text",
                        "code",
                        "int g5 = f5;\n\nString h5 = g5 +\n    \"x\" + nosuchVariable5;\nh5")));
    assertTrue(f.getMessage().startsWith("cell 3 (In [2]), line 4: "), f.getMessage());
    assertTrue(f.getMessage().contains("nosuchVariable5"), f.getMessage());
  }

  @Test
  void anExceptionFailsTheRunWithItsTypeAndMessage() {
    NotebookFailure f =
        assertThrows(
            NotebookFailure.class,
            () ->
                runner.run(
                    notebook(
                        "code",
                        "int i6 = 1;\nObject o6 = java.util.Optional.empty().orElseThrow(() ->"
                            + " new IllegalStateException(\"no value \" + i6));")));
    assertTrue(
        f.getMessage()
            .startsWith("cell 1 (In [1]), line 2: java.lang.IllegalStateException: no value 1"),
        f.getMessage());
  }

  @Test
  void anUnresolvedMethodFailsRatherThanWaitingForALaterCell() {
    NotebookFailure f =
        assertThrows(
            NotebookFailure.class,
            () -> runner.run(notebook("code", "int j7() { return laterHelper7(); }")));
    assertTrue(f.getMessage().contains("laterHelper7"), f.getMessage());
  }

  @Test
  void incompleteCodeFails() {
    NotebookFailure f =
        assertThrows(
            NotebookFailure.class,
            () ->
                runner.run(notebook("code", "int k8 = 0;\nfor (int i = 0; i < 3; i++) {\n k8++;")));
    assertTrue(f.getMessage().startsWith("cell 1 (In [1]), line 2: incomplete code"));
  }

  /** A notebook of (type, source) pairs. */
  static Notebook notebook(String... typesAndSources) {
    List<Object> cells = new ArrayList<>();
    for (int i = 0; i < typesAndSources.length; i += 2) {
      Map<String, Object> cell = new LinkedHashMap<>();
      cell.put("cell_type", typesAndSources[i]);
      cell.put("metadata", Map.of());
      cell.put("source", Notebook.splitLines(typesAndSources[i + 1]));
      if (typesAndSources[i].equals("code")) {
        cell.put("outputs", List.of());
        cell.put("execution_count", null);
      }
      cells.add(cell);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("cells", cells);
    doc.put("metadata", Map.of());
    doc.put("nbformat", 4);
    doc.put("nbformat_minor", 5);
    return Notebook.parse(
        new Moshi.Builder().build().adapter(Object.class).serializeNulls().toJson(doc));
  }
}
