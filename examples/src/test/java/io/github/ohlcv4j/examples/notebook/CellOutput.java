package io.github.ohlcv4j.examples.notebook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One output of a code cell, as nbformat 4 stores it: text a cell printed ({@link Stream}), or the
 * value of its last expression or another displayed value ({@link Data}), or an error.
 */
sealed interface CellOutput {

  /** The MIME type of text. */
  String TEXT = "text/plain";

  /** The MIME type of a picture, stored base64-encoded. */
  String PNG = "image/png";

  /** Text written to {@code stdout} or {@code stderr}. */
  record Stream(String name, String text) implements CellOutput {
    public Stream {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * A rendered value: {@code execute_result} for the value of a cell's last expression, {@code
   * display_data} for one displayed on purpose. {@code data} maps MIME types to text (base64 for
   * images).
   */
  record Data(String outputType, Map<String, String> data) implements CellOutput {
    public Data {
      Objects.requireNonNull(outputType, "outputType");
      data = Map.copyOf(new TreeMap<>(data));
    }
  }

  /** An error a kernel reported. */
  record Error(String name, String value) implements CellOutput {}

  /** Reads an output from its nbformat JSON. */
  @SuppressWarnings("unchecked")
  static CellOutput fromJson(Map<String, Object> json) {
    String type = String.valueOf(json.get("output_type"));
    switch (type) {
      case "stream":
        return new Stream(String.valueOf(json.get("name")), Notebook.joinLines(json.get("text")));
      case "execute_result":
      case "display_data":
        Map<String, String> data = new TreeMap<>();
        Object raw = json.get("data");
        if (raw instanceof Map) {
          for (Map.Entry<String, Object> e : ((Map<String, Object>) raw).entrySet()) {
            data.put(e.getKey(), Notebook.joinLines(e.getValue()));
          }
        }
        return new Data(type, data);
      case "error":
        return new Error(String.valueOf(json.get("ename")), String.valueOf(json.get("evalue")));
      default:
        throw new IllegalArgumentException("Unknown output type \"" + type + "\"");
    }
  }

  /** This output as nbformat JSON; {@code executionCount} is used by an {@code execute_result}. */
  default Map<String, Object> toJson(int executionCount) {
    Map<String, Object> json = new LinkedHashMap<>();
    if (this instanceof Stream s) {
      json.put("output_type", "stream");
      json.put("name", s.name());
      json.put("text", Notebook.splitLines(s.text()));
    } else if (this instanceof Data d) {
      json.put("output_type", d.outputType());
      Map<String, Object> data = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : d.data().entrySet()) {
        // As nbformat: text is stored as a list of lines, pictures as one base64 string.
        data.put(
            e.getKey(),
            e.getKey().startsWith("text/") ? Notebook.splitLines(e.getValue()) : e.getValue());
      }
      json.put("data", data);
      json.put("metadata", new LinkedHashMap<>());
      if (d.outputType().equals("execute_result")) {
        json.put("execution_count", executionCount);
      }
    } else if (this instanceof Error e) {
      json.put("output_type", "error");
      json.put("ename", e.name());
      json.put("evalue", e.value());
      json.put("traceback", new ArrayList<>(List.of()));
    }
    return json;
  }
}
