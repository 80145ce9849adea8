import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Sets the version of every module of the build (the parent, its modules, and the root POM the
 * parent and the BOM inherit from) and the reproducible-build timestamp, editing the POMs as text
 * so that their layout stays as it is.
 *
 * <pre>
 * java scripts/tools/SetVersion.java [--root DIR] [--print] [--timestamp ISO|now|keep] NEW_VERSION
 * </pre>
 *
 * <p>{@code --print} prints the current version and changes nothing. The timestamp ({@code
 * project.build.outputTimestamp}) is set to the current second unless told otherwise, as a release
 * should fix it in the tagged commit.
 */
public final class SetVersion {
  private static final Pattern TIMESTAMP =
      Pattern.compile(
          "(<project\\.build\\.outputTimestamp>)([^<]*)(</project\\.build\\.outputTimestamp>)");

  public static void main(String[] args) throws Exception {
    Path root = Path.of(".");
    String timestamp = "now";
    String newVersion = null;
    boolean print = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--root" -> root = Path.of(args[++i]);
        case "--timestamp" -> timestamp = args[++i];
        case "--print" -> print = true;
        default -> {
          if (args[i].startsWith("-") || newVersion != null) {
            usage("unexpected argument: " + args[i]);
          }
          newVersion = args[i];
        }
      }
    }
    root = root.toAbsolutePath().normalize();
    Path rootPom = root.resolve("pom.xml");
    if (!Files.isRegularFile(rootPom)) {
      usage("no pom.xml in " + root.toAbsolutePath());
    }
    Element project = parse(rootPom);
    String oldVersion = text(child(project, "version"));
    if (oldVersion.isEmpty() && child(project, "parent") != null) {
      oldVersion = text(child(child(project, "parent"), "version")); // inherited from ohlcv4j-root
    }
    if (oldVersion.isEmpty()) {
      usage(rootPom + " has no <version>");
    }
    if (print) {
      System.out.println(oldVersion);
      return;
    }
    if (newVersion == null) {
      usage("no new version given");
    }
    if (!newVersion.matches("[0-9]+(\\.[0-9]+)*(-[A-Za-z0-9.]+)?")) {
      usage("'" + newVersion + "' is not a version like 1.2.3 or 1.3.0-SNAPSHOT");
    }
    if (!timestamp.equals("keep")) {
      timestamp =
          timestamp.equals("now")
              ? Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()
              : Instant.parse(timestamp).toString();
    }

    String from = "<version>" + oldVersion + "</version>";
    String to = "<version>" + newVersion + "</version>";
    for (Path pom : reactor(rootPom)) {
      String s = Files.readString(pom, StandardCharsets.UTF_8);
      int count = s.split(Pattern.quote(from), -1).length - 1;
      String t = s.replace(from, to);
      int stamps = 0;
      if (!timestamp.equals("keep")) {
        Matcher m = TIMESTAMP.matcher(t);
        stamps = (int) m.results().count();
        t = m.replaceAll("$1" + Matcher.quoteReplacement(timestamp) + "$3");
      }
      if (count == 0) {
        System.err.println(
            "SetVersion: "
                + pom
                + " does not mention version "
                + oldVersion
                + "; modules must share the parent's version.");
        System.exit(1);
      }
      Files.writeString(pom, t, StandardCharsets.UTF_8);
      System.out.printf(
          "%s: %s -> %s (%d place%s)%s%n",
          root.relativize(pom),
          oldVersion,
          newVersion,
          count,
          count == 1 ? "" : "s",
          stamps > 0 ? ", outputTimestamp " + timestamp : "");
    }
  }

  /** The root POM and the POMs of its modules, recursively, each once. */
  private static List<Path> reactor(Path rootPom) throws Exception {
    Set<Path> seen = new LinkedHashSet<>();
    List<Path> todo = new ArrayList<>(List.of(rootPom.toAbsolutePath().normalize()));
    while (!todo.isEmpty()) {
      Path pom = todo.remove(0);
      if (!seen.add(pom)) {
        continue;
      }
      Element modules = child(parse(pom), "modules");
      if (modules == null) {
        continue;
      }
      for (Node n = modules.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e && e.getTagName().equals("module")) {
          Path p = pom.getParent().resolve(text(e)).normalize();
          todo.add(Files.isDirectory(p) ? p.resolve("pom.xml") : p);
        }
      }
    }
    return new ArrayList<>(seen);
  }

  private static Element parse(Path pom) throws Exception {
    try {
      return DocumentBuilderFactory.newInstance()
          .newDocumentBuilder()
          .parse(pom.toFile())
          .getDocumentElement();
    } catch (IOException e) {
      usage("cannot read " + pom + ": " + e.getMessage());
      throw e;
    }
  }

  private static Element child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  private static String text(Element e) {
    return e == null ? "" : e.getTextContent().trim();
  }

  private static void usage(String problem) {
    System.err.println("SetVersion: " + problem);
    System.err.println(
        "usage: java scripts/tools/SetVersion.java [--root DIR] [--print]"
            + " [--timestamp ISO|now|keep] NEW_VERSION");
    System.exit(2);
  }
}
