package io.github.ohlcv4j.examples.notebook;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonWriter;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import okio.Buffer;

/**
 * A Jupyter notebook (nbformat 4) read from and written to its JSON form, laid out the way Jupyter
 * writes it (keys sorted, one-space indent, multi-line text as lists of lines), so that a notebook
 * rewritten with fresh outputs differs from the committed one only where the outputs differ.
 *
 * <p>Only what the runner needs is modelled: the cells, their type and source, and the outputs and
 * execution count of code cells. Everything else (metadata, ids, attachments) is kept as read.
 */
final class Notebook {

  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);

  private final Map<String, Object> document;

  private Notebook(Map<String, Object> document) {
    this.document = document;
  }

  /** Reads a notebook file. */
  static Notebook read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read notebook " + file, e);
    }
  }

  /**
   * Parses notebook JSON.
   *
   * @throws IllegalArgumentException if it is not an nbformat 4 notebook
   */
  @SuppressWarnings("unchecked")
  static Notebook parse(String json) {
    Object root;
    try {
      root = JSON.fromJson(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("Not valid notebook JSON: " + e.getMessage(), e);
    }
    if (!(root instanceof Map)) {
      throw new IllegalArgumentException("A notebook is a JSON object");
    }
    Map<String, Object> doc = (Map<String, Object>) root;
    Object format = doc.get("nbformat");
    if (!(format instanceof Number) || ((Number) format).intValue() != 4) {
      throw new IllegalArgumentException("Only nbformat 4 notebooks are supported, not " + format);
    }
    if (!(doc.get("cells") instanceof List)) {
      throw new IllegalArgumentException("The notebook has no \"cells\" list");
    }
    return new Notebook(doc);
  }

  /** The kernel this notebook is meant for ({@code metadata.kernelspec.name}), or "". */
  @SuppressWarnings("unchecked")
  String kernelName() {
    Object meta = document.get("metadata");
    if (meta instanceof Map) {
      Object spec = ((Map<String, Object>) meta).get("kernelspec");
      if (spec instanceof Map) {
        return String.valueOf(((Map<String, Object>) spec).getOrDefault("name", ""));
      }
    }
    return "";
  }

  /** The cells in order. */
  @SuppressWarnings("unchecked")
  List<Cell> cells() {
    List<Object> raw = (List<Object>) document.get("cells");
    List<Cell> cells = new ArrayList<>(raw.size());
    for (int i = 0; i < raw.size(); i++) {
      cells.add(new Cell(i + 1, (Map<String, Object>) raw.get(i)));
    }
    return cells;
  }

  /** The code cells in order. */
  List<Cell> codeCells() {
    List<Cell> code = new ArrayList<>();
    for (Cell c : cells()) {
      if (c.isCode()) {
        code.add(c);
      }
    }
    return code;
  }

  /** The notebook as Jupyter writes it: sorted keys, one-space indent, a final newline. */
  String toJson() {
    Buffer buffer = new Buffer();
    try (JsonWriter w = JsonWriter.of(buffer)) {
      w.setIndent(" ");
      writeValue(w, document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.readUtf8() + "\n";
  }

  /** Writes the notebook to {@code file}. */
  void write(Path file) {
    try {
      Files.writeString(file, toJson(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write notebook " + file, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static void writeValue(JsonWriter w, Object value) throws IOException {
    if (value == null) {
      w.nullValue();
    } else if (value instanceof Map) {
      w.beginObject();
      for (Map.Entry<String, Object> e : new TreeMap<>((Map<String, Object>) value).entrySet()) {
        w.name(e.getKey());
        writeValue(w, e.getValue());
      }
      w.endObject();
    } else if (value instanceof List) {
      w.beginArray();
      for (Object o : (List<Object>) value) {
        writeValue(w, o);
      }
      w.endArray();
    } else if (value instanceof String) {
      w.value((String) value);
    } else if (value instanceof Boolean) {
      w.value((Boolean) value);
    } else if (value instanceof Number) {
      double d = ((Number) value).doubleValue();
      // JSON numbers come back as doubles; nbformat's are integers (counts, versions).
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        w.value((long) d);
      } else {
        w.value(d);
      }
    } else {
      throw new IllegalArgumentException("Cannot write " + value.getClass() + " as JSON");
    }
  }

  /** Jupyter's multi-line string: a string, or a list of lines to be joined. */
  @SuppressWarnings("unchecked")
  static String joinLines(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof List) {
      StringBuilder b = new StringBuilder();
      for (Object line : (List<Object>) value) {
        b.append((String) line);
      }
      return b.toString();
    }
    return (String) value;
  }

  /** Text as Jupyter stores it: lines that keep their line ends. */
  static List<Object> splitLines(String text) {
    List<Object> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        lines.add(text.substring(start, i + 1));
        start = i + 1;
      }
    }
    if (start < text.length()) {
      lines.add(text.substring(start));
    }
    return lines;
  }

  /** One cell. Changes to a code cell's outputs change the notebook. */
  static final class Cell {
    private final int number;
    private final Map<String, Object> json;

    Cell(int number, Map<String, Object> json) {
      this.number = number;
      this.json = json;
    }

    /** The cell's position in the notebook, from 1. */
    int number() {
      return number;
    }

    /** {@code code}, {@code markdown} or {@code raw}. */
    String type() {
      return String.valueOf(json.get("cell_type"));
    }

    boolean isCode() {
      return "code".equals(type());
    }

    /** The cell's text. */
    String source() {
      return joinLines(json.get("source"));
    }

    /** The stored {@code In [n]} number of a code cell; 0 if it has none. */
    int executionCount() {
      Object n = json.get("execution_count");
      return n instanceof Number ? ((Number) n).intValue() : 0;
    }

    /** The outputs stored in a code cell. */
    @SuppressWarnings("unchecked")
    List<CellOutput> outputs() {
      Object raw = json.get("outputs");
      List<CellOutput> out = new ArrayList<>();
      if (raw instanceof List) {
        for (Object o : (List<Object>) raw) {
          out.add(CellOutput.fromJson((Map<String, Object>) o));
        }
      }
      return out;
    }

    /** Replaces a code cell's outputs and execution count with those of a run. */
    void outputs(List<CellOutput> outputs, int executionCount) {
      Objects.requireNonNull(outputs, "outputs");
      if (!isCode()) {
        throw new IllegalStateException("Cell " + number + " is not a code cell");
      }
      List<Object> raw = new ArrayList<>();
      for (CellOutput o : outputs) {
        raw.add(o.toJson(executionCount));
      }
      json.put("outputs", raw);
      json.put("execution_count", executionCount);
    }

    @Override
    public String toString() {
      return "cell " + number + " (" + type() + ")";
    }
  }

  /** A fresh, mutable JSON object for an output. */
  static Map<String, Object> object() {
    return new LinkedHashMap<>();
  }
}
