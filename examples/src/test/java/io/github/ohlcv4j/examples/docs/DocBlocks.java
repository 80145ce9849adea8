package io.github.ohlcv4j.examples.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ```java} blocks of a Markdown file, each with the marker in the HTML comment right
 * above it, if any (see CONTRIBUTING.md, "Code in the docs"):
 *
 * <ul>
 *   <li>no marker: a program that runs offline; compiled and run;
 *   <li>{@code <!-- compile-only: why -->}: compiled, not run (it needs a venue or a server);
 *   <li>{@code <!-- jshell -->}: a notebook cell, run in order with the file's other such blocks in
 *       one JShell;
 *   <li>{@code <!-- skip: why -->}: not Java code (a sketch, a signature); left alone. The reason
 *       is required.
 * </ul>
 */
final class DocBlocks {
  private DocBlocks() {}

  /** What to do with a block. */
  enum Kind {
    RUN,
    COMPILE_ONLY,
    JSHELL,
    SKIP
  }

  /**
   * One block.
   *
   * @param file the Markdown file, relative to the repository
   * @param line the line of the opening fence, counted from 1
   * @param kind what its marker says
   * @param code the lines between the fences
   */
  record Block(String file, int line, Kind kind, String code) {
    /** {@code docs/queries.md:12}, how failures name the block. */
    String where() {
      return file + ":" + line;
    }

    /** The Markdown line of line {@code n} (from 1) of {@link #code()}. */
    int docLine(int n) {
      return line + n;
    }
  }

  private static final Pattern FENCE = Pattern.compile("^(\\s*)(`{3,}|~{3,})\\s*([^`\\s]*).*$");

  /** A comment that looks meant as a marker but is not one ({@code <!-- compile only -->}). */
  private static final Pattern NEAR_MISS =
      Pattern.compile("(?i)^\\s*<!--\\s*(compile|skip|jshell|run|no-?run|norun)\\b.*-->\\s*$");

  private static final Pattern MARKER =
      Pattern.compile("^\\s*<!--\\s*(compile-only|jshell|skip)\\s*(?::\\s*(.*?))?\\s*-->\\s*$");

  /** The {@code java} blocks of {@code file}, in order; {@code name} is how to call the file. */
  static List<Block> read(Path file, String name) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher open = FENCE.matcher(lines.get(i));
      if (!open.matches()) {
        continue;
      }
      String fence = open.group(2);
      String info = open.group(3).toLowerCase(Locale.ROOT);
      int end = i + 1;
      while (end < lines.size() && !isClosing(lines.get(end), fence)) {
        end++;
      }
      if (end == lines.size()) {
        throw new AssertionError(name + ":" + (i + 1) + ": a code block that is never closed");
      }
      if (info.equals("java")) {
        Kind kind = kind(lines, i, name);
        String indent = open.group(1);
        StringBuilder code = new StringBuilder();
        for (String l : lines.subList(i + 1, end)) {
          code.append(l.startsWith(indent) ? l.substring(indent.length()) : l).append('\n');
        }
        blocks.add(new Block(name, i + 1, kind, code.toString()));
      }
      i = end;
    }
    return blocks;
  }

  private static boolean isClosing(String line, String fence) {
    String t = line.strip();
    return t.startsWith(fence) && t.chars().allMatch(c -> c == fence.charAt(0));
  }

  /** The marker on the nearest non-blank line above the fence at {@code fenceIndex}. */
  private static Kind kind(List<String> lines, int fenceIndex, String name) {
    int j = fenceIndex - 1;
    while (j >= 0 && lines.get(j).isBlank()) {
      j--;
    }
    Matcher m = j >= 0 ? MARKER.matcher(lines.get(j)) : null;
    if (m == null || !m.matches()) {
      if (j >= 0 && NEAR_MISS.matcher(lines.get(j)).matches()) {
        throw new AssertionError(
            name
                + ":"
                + (j + 1)
                + ": not a marker this test knows: "
                + lines.get(j).strip()
                + "; use <!-- compile-only: why -->, <!-- jshell --> or <!-- skip: why -->");
      }
      return Kind.RUN;
    }
    switch (m.group(1)) {
      case "compile-only":
        return Kind.COMPILE_ONLY;
      case "jshell":
        return Kind.JSHELL;
      default:
        if (m.group(2) == null || m.group(2).isBlank()) {
          throw new AssertionError(
              name
                  + ":"
                  + (j + 1)
                  + ": <!-- skip --> needs a reason: <!-- skip: why this is not Java code -->");
        }
        return Kind.SKIP;
    }
  }
}
