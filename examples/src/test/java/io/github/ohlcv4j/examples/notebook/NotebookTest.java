package io.github.ohlcv4j.examples.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Runs the notebook tour ({@code notebooks/ohlcv4j-tour.ipynb}) cell by cell against the project's
 * current code and checks that the outputs stored in it are those of such a run, so neither the
 * code nor the outputs can rot.
 *
 * <p>After changing the notebook or anything it shows, store fresh outputs with
 *
 * <pre>
 * ./mvnw -q -pl examples -am test -Dtest=NotebookTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dohlcv4j.notebook.write=true
 * </pre>
 */
class NotebookTest {

  /** Set to {@code true} to write the outputs of the run into the notebook instead of checking. */
  static final String WRITE = "ohlcv4j.notebook.write";

  private static final String REGENERATE =
      "Store fresh outputs with: ./mvnw -q -pl examples -am test -Dtest=NotebookTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -D"
          + WRITE
          + "=true";

  private static final Path TOUR =
      Path.of(System.getProperty("basedir", ".")).resolve("notebooks/ohlcv4j-tour.ipynb");

  @Test
  void theTourRunsAndItsStoredOutputsAreThoseOfARun() {
    Notebook notebook = Notebook.read(TOUR);
    List<List<CellOutput>> fresh;
    try (NotebookRunner runner = NotebookRunner.withThisClassPath()) {
      fresh = runner.run(notebook);
    }
    List<Notebook.Cell> cells = notebook.codeCells();

    if (Boolean.getBoolean(WRITE)) {
      for (int i = 0; i < cells.size(); i++) {
        cells.get(i).outputs(fresh.get(i), i + 1);
      }
      notebook.write(TOUR);
      System.out.println("Wrote the outputs of this run into " + TOUR.toAbsolutePath());
      return;
    }

    for (int i = 0; i < cells.size(); i++) {
      Notebook.Cell cell = cells.get(i);
      String where = cell + ", In [" + (i + 1) + "]";
      assertEquals(
          i + 1,
          cell.executionCount(),
          where
              + ": stored execution count; the cells must run in order from a fresh kernel. "
              + REGENERATE);
      assertEquals(
          comparable(cell.outputs()),
          comparable(fresh.get(i)),
          where + ": the stored outputs differ from those of a run. " + REGENERATE);
    }
  }

  @Test
  void theTourIsStoredAsJupyterWritesIt() throws IOException {
    // Regenerating the outputs then changes only the outputs.
    String stored = Files.readString(TOUR, StandardCharsets.UTF_8);
    assertEquals(stored, Notebook.parse(stored).toJson());
  }

  @Test
  void theTourIsForTheJavaKernelAndNamesTheVersionsItIsTestedWith() throws IOException {
    Notebook notebook = Notebook.read(TOUR);
    assertEquals("java", notebook.kernelName());

    String project = System.getProperty("ohlcv4j.project.version");
    String xchart = System.getProperty("ohlcv4j.xchart.version");
    assertFalse(project == null || xchart == null, "Surefire passes the versions");
    // Every mention of our artifacts, in code and in prose, names this version.
    Matcher ours =
        Pattern.compile("io\\.github\\.ohlcv4j:(ohlcv4j-[a-z]+):([^\\s`\"\\\\]+)")
            .matcher(Files.readString(TOUR, StandardCharsets.UTF_8));
    int found = 0;
    while (ours.find()) {
      found++;
      assertEquals(project, ours.group(2), ours.group());
    }
    assertTrue(found >= 1, "The notebook loads ohlcv4j-core with %maven");

    String first = notebook.codeCells().get(0).source();
    assertTrue(first.contains("%maven io.github.ohlcv4j:ohlcv4j-core:" + project + "\n"), first);
    assertTrue(first.contains("%maven org.knowm.xchart:xchart:" + xchart), first);
  }

  @Test
  void theTourShowsAChartInline() {
    boolean chart = false;
    for (Notebook.Cell cell : Notebook.read(TOUR).codeCells()) {
      for (CellOutput o : cell.outputs()) {
        chart |= o instanceof CellOutput.Data d && d.data().containsKey(CellOutput.PNG);
      }
    }
    assertTrue(chart, "No cell of the tour shows a picture");
  }

  /**
   * Outputs in a form that compares what must not change: text exactly (line ends aside), pictures
   * by their decoded size (their bytes depend on the JDK's font rendering). The text form JJava
   * stores beside a picture ({@code BufferedImage@1b2c3d: ...}) holds an identity hash, so it is
   * left out.
   */
  private static List<Object> comparable(List<CellOutput> outputs) {
    List<Object> out = new ArrayList<>();
    for (CellOutput o : outputs) {
      if (o instanceof CellOutput.Stream s) {
        out.add(new CellOutput.Stream(s.name(), s.text().replace("\r\n", "\n")));
      } else if (o instanceof CellOutput.Data d) {
        Map<String, String> data = new TreeMap<>();
        boolean picture = d.data().containsKey(CellOutput.PNG);
        d.data()
            .forEach(
                (mime, value) -> {
                  if (mime.equals(CellOutput.PNG)) {
                    data.put(mime, pictureSize(value));
                  } else if (!(picture && mime.equals(CellOutput.TEXT))) {
                    data.put(mime, value.replace("\r\n", "\n"));
                  }
                });
        out.add(new CellOutput.Data(d.outputType(), data));
      } else {
        out.add(o);
      }
    }
    return out;
  }

  private static String pictureSize(String base64) {
    try {
      BufferedImage image =
          ImageIO.read(new ByteArrayInputStream(Base64.getMimeDecoder().decode(base64)));
      return image == null
          ? "not a picture"
          : "picture " + image.getWidth() + "x" + image.getHeight();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
