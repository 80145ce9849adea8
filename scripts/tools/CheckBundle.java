import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks a Central Portal bundle (the zip the central-publishing-maven-plugin builds) against what
 * Maven Central requires and what this project promises, and says precisely what is missing.
 *
 * <pre>
 * java scripts/tools/CheckBundle.java --bundle central-bundle.zip --effective-poms effective.xml
 *      [--same-as other-bundle.zip] [--no-signatures]
 * </pre>
 *
 * <p>The effective POMs ({@code help:effective-pom -Prelease} over the whole build) tell which
 * modules are published: those whose central-publishing plugin does not skip publishing. For each
 * of them the bundle must hold the POM and, unless the packaging is {@code pom}, the jar, the
 * sources jar and the Javadoc jar; each of those with an {@code .asc} signature that verifies
 * ({@code gpg --verify}, with the key in {@code GNUPGHOME}) and {@code .md5} and {@code .sha1}
 * checksums that match ({@code .sha256} and {@code .sha512} too where the bundle has them). The
 * effective POM must carry the metadata Central asks for (name, description, url, license,
 * developer, scm), the jar an {@code Automatic-Module-Name} and classes, the sources jar sources,
 * and the Javadoc jar no {@code internal} package. Nothing from an unpublished module may be in the
 * bundle.
 *
 * <p>{@code --same-as} compares every jar and POM with those of another bundle built from the same
 * sources: a reproducible build makes them byte for byte the same.
 */
public final class CheckBundle {

  private static final List<String> REQUIRED_SUMS = List.of("md5", "sha1");
  private static final List<String> OPTIONAL_SUMS = List.of("sha256", "sha512");
  private static final Map<String, String> DIGESTS =
      Map.of("md5", "MD5", "sha1", "SHA-1", "sha256", "SHA-256", "sha512", "SHA-512");

  private final List<String> problems = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  record Module(
      String groupId,
      String artifactId,
      String version,
      String packaging,
      boolean published,
      String publishPlugin,
      String gpgPlugin,
      Element pom) {
    String coordinates() {
      return groupId + ":" + artifactId + ":" + version;
    }

    String dir() {
      return groupId.replace('.', '/') + "/" + artifactId + "/" + version + "/";
    }

    String base() {
      return artifactId + "-" + version;
    }
  }

  public static void main(String[] args) throws Exception {
    Path bundle = null;
    Path effective = null;
    Path sameAs = null;
    boolean signatures = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--bundle" -> bundle = Path.of(args[++i]);
        case "--effective-poms" -> effective = Path.of(args[++i]);
        case "--same-as" -> sameAs = Path.of(args[++i]);
        case "--no-signatures" -> signatures = false;
        default -> usage("unexpected argument: " + args[i]);
      }
    }
    if (bundle == null || effective == null) {
      usage("--bundle and --effective-poms are required");
    }
    if (!Files.isRegularFile(bundle)) {
      fail("no bundle at " + bundle + ": the release build did not produce one (see its log).");
    }
    CheckBundle check = new CheckBundle();
    check.run(bundle, effective, sameAs, signatures);
    check.notes.forEach(n -> System.out.println("  note: " + n));
    if (!check.problems.isEmpty()) {
      System.err.println();
      System.err.println(
          "The bundle "
              + bundle
              + " is NOT ready for Maven Central ("
              + check.problems.size()
              + " problem"
              + (check.problems.size() == 1 ? "" : "s")
              + "):");
      check.problems.forEach(p -> System.err.println("  - " + p));
      System.exit(1);
    }
    System.out.println("Bundle " + bundle + " is complete.");
  }

  private void run(Path bundlePath, Path effectivePath, Path sameAs, boolean signatures)
      throws Exception {
    List<Module> modules = modules(effectivePath);
    Map<String, byte[]> bundle = read(bundlePath);
    List<Module> published = modules.stream().filter(Module::published).toList();
    if (published.isEmpty()) {
      problems.add(
          "no module of the build is published: none has the central-publishing plugin with"
              + " skipPublishing false in the effective POMs (was the release profile active?)");
      return;
    }
    everyModuleSigns(published);

    Set<String> accounted = new TreeSet<>();
    Path tmp = Files.createTempDirectory("bundle-check");
    try {
      for (Module m : published) {
        checkModule(m, bundle, accounted, tmp, signatures);
      }
    } finally {
      deleteTree(tmp);
    }

    for (String name : bundle.keySet()) {
      if (accounted.contains(name) || name.endsWith("/")) {
        continue;
      }
      Module owner =
          modules.stream().filter(m -> name.startsWith(m.dir())).findFirst().orElse(null);
      if (owner == null) {
        problems.add(name + ": in the bundle but belongs to no module of this build");
      } else if (!owner.published()) {
        problems.add(
            name + ": " + owner.artifactId() + " is not published, yet its file is in the bundle");
      } else {
        notes.add(name + ": extra file of " + owner.artifactId() + " (signed and summed as above)");
      }
    }
    if (sameAs != null) {
      compare(bundle, read(sameAs), sameAs);
    }
    if (signers.size() > 1) {
      problems.add("the bundle is signed by several keys: " + signers);
    }

    System.out.println("Published modules in the bundle:");
    for (Module m : published) {
      System.out.printf(
          "  %-45s %s%n",
          m.coordinates(), m.packaging().equals("pom") ? "pom" : "jar, sources, javadoc, pom");
    }
    List<String> skipped =
        modules.stream().filter(m -> !m.published()).map(Module::artifactId).toList();
    if (!skipped.isEmpty()) {
      System.out.println(
          "Not published (and absent from the bundle): " + String.join(", ", skipped));
    }
    if (!signers.isEmpty()) {
      System.out.println("Signatures verify, made by key " + String.join(", ", signers) + ".");
    }
  }

  private void checkModule(
      Module m, Map<String, byte[]> bundle, Set<String> accounted, Path tmp, boolean signatures)
      throws Exception {
    String who = m.artifactId();
    if (m.version().endsWith("-SNAPSHOT")) {
      problems.add(
          who + ": version " + m.version() + " is a snapshot; Central takes releases only");
    }
    metadata(m);

    List<String> files = new ArrayList<>();
    files.add(m.base() + ".pom");
    if (!m.packaging().equals("pom")) {
      files.add(m.base() + ".jar");
      files.add(m.base() + "-sources.jar");
      files.add(m.base() + "-javadoc.jar");
    }
    boolean anyLongSums = bundle.keySet().stream().anyMatch(n -> n.endsWith(".sha256"));
    for (String f : files) {
      String path = m.dir() + f;
      byte[] content = bundle.get(path);
      if (content == null) {
        problems.add(who + ": " + f + " is missing" + hint(f));
        continue;
      }
      accounted.add(path);
      for (String sum : REQUIRED_SUMS) {
        checksum(who, path, content, sum, bundle, accounted, true);
      }
      for (String sum : OPTIONAL_SUMS) {
        checksum(who, path, content, sum, bundle, accounted, anyLongSums);
      }
      byte[] asc = bundle.get(path + ".asc");
      if (asc == null) {
        problems.add(who + ": " + f + ".asc (GPG signature) is missing");
      } else {
        accounted.add(path + ".asc");
        if (signatures) {
          verifySignature(who, f, content, asc, tmp);
        }
      }
      if (f.endsWith(".pom")) {
        bundledPom(m, content);
      } else if (f.endsWith("-sources.jar")) {
        sourcesJar(who, content);
      } else if (f.endsWith("-javadoc.jar")) {
        javadocJar(who, content);
      } else if (f.endsWith(".jar")) {
        mainJar(who, content);
      }
    }
    // Extra attached files of a published module (an SBOM, say) must be signed and summed too.
    for (String name : bundle.keySet()) {
      if (!name.startsWith(m.dir()) || accounted.contains(name) || isSidecar(name)) {
        continue;
      }
      byte[] content = bundle.get(name);
      accounted.add(name);
      for (String sum : REQUIRED_SUMS) {
        checksum(who, name, content, sum, bundle, accounted, true);
      }
      if (bundle.containsKey(name + ".asc")) {
        accounted.add(name + ".asc");
        if (signatures) {
          verifySignature(
              who, name.substring(m.dir().length()), content, bundle.get(name + ".asc"), tmp);
        }
      } else {
        problems.add(who + ": " + name + " has no .asc signature");
      }
    }
  }

  private static boolean isSidecar(String name) {
    return name.endsWith(".asc")
        || REQUIRED_SUMS.stream().anyMatch(s -> name.endsWith("." + s))
        || OPTIONAL_SUMS.stream().anyMatch(s -> name.endsWith("." + s));
  }

  private static String hint(String f) {
    if (f.endsWith("-javadoc.jar")) {
      return " (maven-javadoc-plugin makes none for a module without Java sources)";
    }
    if (f.endsWith("-sources.jar")) {
      return " (maven-source-plugin makes none for a module without sources)";
    }
    return "";
  }

  private void checksum(
      String who,
      String path,
      byte[] content,
      String kind,
      Map<String, byte[]> bundle,
      Set<String> accounted,
      boolean required)
      throws Exception {
    byte[] sumFile = bundle.get(path + "." + kind);
    String file = path.substring(path.lastIndexOf('/') + 1);
    if (sumFile == null) {
      if (required) {
        problems.add(who + ": " + file + "." + kind + " (checksum) is missing");
      }
      return;
    }
    accounted.add(path + "." + kind);
    String expected =
        HexFormat.of().formatHex(MessageDigest.getInstance(DIGESTS.get(kind)).digest(content));
    String actual = new String(sumFile, StandardCharsets.US_ASCII).trim().split("\\s+")[0];
    if (!expected.equalsIgnoreCase(actual)) {
      problems.add(
          who
              + ": "
              + file
              + "."
              + kind
              + " says "
              + actual
              + " but the file's "
              + kind
              + " is "
              + expected);
    }
  }

  private void verifySignature(String who, String file, byte[] content, byte[] asc, Path tmp)
      throws Exception {
    Path data = tmp.resolve(file.replace('/', '_'));
    Path sig = tmp.resolve(file.replace('/', '_') + ".asc");
    Files.write(data, content);
    Files.write(sig, asc);
    Process p =
        new ProcessBuilder(
                "gpg",
                "--batch",
                "--no-tty",
                "--status-fd",
                "1",
                "--verify",
                sig.toString(),
                data.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      problems.add(who + ": gpg --verify of " + file + ".asc did not finish");
      return;
    }
    String valid =
        out.lines().filter(l -> l.startsWith("[GNUPG:] VALIDSIG ")).findFirst().orElse(null);
    if (p.exitValue() != 0 || valid == null) {
      String reason =
          out.lines()
              .filter(l -> l.startsWith("gpg: "))
              .reduce((a, b) -> a + "; " + b)
              .orElse("exit " + p.exitValue());
      problems.add(who + ": the signature " + file + ".asc does not verify: " + reason);
    } else {
      signers.add(valid.split(" ")[2]);
    }
  }

  private final Set<String> signers = new LinkedHashSet<>();

  private void metadata(Module m) {
    String who = m.artifactId();
    Element p = m.pom();
    List<String> missing = new ArrayList<>();
    for (String field : List.of("name", "description", "url")) {
      if (text(child(p, field)).isEmpty()) {
        missing.add(field);
      }
    }
    Element licenses = child(p, "licenses");
    List<Element> licenseList = children(licenses, "license");
    if (licenseList.isEmpty()) {
      missing.add("licenses/license");
    }
    for (Element l : licenseList) {
      if (text(child(l, "name")).isEmpty() || text(child(l, "url")).isEmpty()) {
        missing.add("license name and url");
      }
    }
    List<Element> developers = children(child(p, "developers"), "developer");
    if (developers.isEmpty()) {
      missing.add("developers/developer");
    }
    for (Element d : developers) {
      if (text(child(d, "name")).isEmpty() && text(child(d, "id")).isEmpty()) {
        missing.add("developer name");
      }
    }
    Element scm = child(p, "scm");
    if (text(child(scm, "url")).isEmpty()) {
      missing.add("scm/url");
    }
    if (text(child(scm, "connection")).isEmpty()) {
      missing.add("scm/connection");
    }
    if (!missing.isEmpty()) {
      problems.add(
          who + ": the POM lacks " + String.join(", ", missing) + " (Central requires them)");
    }
    // An inherited url or scm gets "/<artifactId>" appended unless the parent says not to: a link
    // to
    // a page that does not exist.
    String suffix = "/" + m.artifactId();
    for (String[] f :
        new String[][] {
          {"url", text(child(p, "url"))},
          {"scm/url", text(child(scm, "url"))},
          {"scm/connection", text(child(scm, "connection"))},
          {"scm/developerConnection", text(child(scm, "developerConnection"))}
        }) {
      String v = f[1].replaceAll("\\.git$", "");
      if (!v.isEmpty() && v.endsWith(suffix) && !m.artifactId().equals(lastSegmentOfRepo(v))) {
        problems.add(
            who
                + ": its "
                + f[0]
                + " is "
                + f[1]
                + ", the parent's with the artifactId appended"
                + " (set child.*.inherit.append.path=\"false\" in the parent)");
      }
    }
  }

  private static String lastSegmentOfRepo(String url) {
    // https://github.com/owner/repo has two path segments; anything deeper was appended.
    String path = url.replaceFirst("^[a-z:+]*//[^/]+/", "");
    String[] parts = path.split("/");
    return parts.length <= 2 ? parts[parts.length - 1] : "";
  }

  private void bundledPom(Module m, byte[] content) {
    Element pom;
    try {
      pom = parse(new ByteArrayInputStream(content));
    } catch (Exception e) {
      problems.add(m.artifactId() + ": the bundled POM does not parse: " + e.getMessage());
      return;
    }
    Element parent = child(pom, "parent");
    String group = text(child(pom, "groupId"));
    String version = text(child(pom, "version"));
    if (group.isEmpty()) {
      group = text(child(parent, "groupId"));
    }
    if (version.isEmpty()) {
      version = text(child(parent, "version"));
    }
    if (!group.equals(m.groupId())
        || !text(child(pom, "artifactId")).equals(m.artifactId())
        || !version.equals(m.version())) {
      problems.add(
          m.artifactId()
              + ": the bundled POM says "
              + group
              + ":"
              + text(child(pom, "artifactId"))
              + ":"
              + version
              + ", not "
              + m.coordinates());
    }
    if (new String(content, StandardCharsets.UTF_8).contains("-SNAPSHOT<")) {
      problems.add(m.artifactId() + ": the bundled POM still mentions a -SNAPSHOT version");
    }
  }

  private void mainJar(String who, byte[] jar) throws IOException {
    try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
      Manifest mf = in.getManifest();
      boolean moduleInfo = false;
      int classes = 0;
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.getName().endsWith("module-info.class")) {
          moduleInfo = true;
        } else if (e.getName().endsWith(".class")) {
          classes++;
        }
      }
      String name = mf == null ? null : mf.getMainAttributes().getValue("Automatic-Module-Name");
      if (!moduleInfo && (name == null || name.isBlank())) {
        problems.add(who + ": the jar has neither module-info.class nor Automatic-Module-Name");
      }
      if (classes == 0) {
        problems.add(who + ": the jar holds no classes");
      }
    }
  }

  private void sourcesJar(String who, byte[] jar) throws IOException {
    if (names(jar).stream().noneMatch(n -> n.endsWith(".java"))) {
      problems.add(who + ": the sources jar holds no .java file");
    }
  }

  private void javadocJar(String who, byte[] jar) throws IOException {
    List<String> names = names(jar);
    if (!names.contains("index.html")) {
      problems.add(who + ": the Javadoc jar has no index.html");
    }
    List<String> internal =
        names.stream().filter(n -> n.matches("(.*/)?internal/.*\\.html")).limit(3).toList();
    if (!internal.isEmpty()) {
      problems.add(
          who
              + ": the Javadoc documents internal packages ("
              + String.join(", ", internal)
              + "); they are not API");
    }
  }

  /** Every published module signs its files: the release profile they all inherit runs GPG. */
  private void everyModuleSigns(List<Module> published) {
    for (Module m : published) {
      if (m.gpgPlugin() == null) {
        problems.add(m.artifactId() + ": the release profile does not run maven-gpg-plugin");
      }
    }
  }

  private void compare(Map<String, byte[]> a, Map<String, byte[]> b, Path bPath)
      throws IOException {
    int compared = 0;
    for (Map.Entry<String, byte[]> e : a.entrySet()) {
      String name = e.getKey();
      if (!(name.endsWith(".jar") || name.endsWith(".pom"))) {
        continue;
      }
      byte[] other = b.get(name);
      if (other == null) {
        problems.add(name + ": not in " + bPath + ", so the two builds differ");
        continue;
      }
      compared++;
      if (!MessageDigest.isEqual(e.getValue(), other)) {
        String detail = name.endsWith(".jar") ? ": " + jarDifferences(e.getValue(), other) : "";
        problems.add(name + " differs between two builds of the same sources" + detail);
      }
    }
    System.out.println("Reproducible: " + compared + " jars and POMs compared with " + bPath + ".");
  }

  private static String jarDifferences(byte[] a, byte[] b) throws IOException {
    Map<String, byte[]> x = entries(a);
    Map<String, byte[]> y = entries(b);
    List<String> diff = new ArrayList<>();
    Set<String> all = new TreeSet<>(x.keySet());
    all.addAll(y.keySet());
    for (String n : all) {
      if (!x.containsKey(n) || !y.containsKey(n) || !MessageDigest.isEqual(x.get(n), y.get(n))) {
        diff.add(n);
      }
    }
    if (diff.isEmpty()) {
      return "same entries and contents, different zip metadata (timestamps or order: is"
          + " project.build.outputTimestamp set?)";
    }
    return diff.size()
        + " entries differ, e.g. "
        + String.join(", ", diff.subList(0, Math.min(3, diff.size())));
  }

  private static Map<String, byte[]> entries(byte[] jar) throws IOException {
    Map<String, byte[]> m = new TreeMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        m.put(e.getName(), in.readAllBytes());
      }
    }
    return m;
  }

  private static List<String> names(byte[] jar) throws IOException {
    return new ArrayList<>(entries(jar).keySet());
  }

  private static Map<String, byte[]> read(Path zip) throws IOException {
    Map<String, byte[]> m = new TreeMap<>();
    try (ZipFile z = new ZipFile(zip.toFile())) {
      for (ZipEntry e : java.util.Collections.list(z.entries())) {
        if (!e.isDirectory()) {
          try (InputStream in = z.getInputStream(e)) {
            m.put(e.getName(), in.readAllBytes());
          }
        }
      }
    }
    return m;
  }

  /** The modules of the build, from the output of help:effective-pom (one or many projects). */
  private static List<Module> modules(Path effective) throws Exception {
    Element root;
    try (InputStream in = Files.newInputStream(effective)) {
      root = parse(in);
    }
    List<Element> projects =
        root.getTagName().equals("projects") ? children(root, "project") : List.of(root);
    List<Module> modules = new ArrayList<>();
    for (Element p : projects) {
      String packaging = text(child(p, "packaging"));
      Element publish = plugin(p, "org.sonatype.central", "central-publishing-maven-plugin");
      Element gpg = plugin(p, "org.apache.maven.plugins", "maven-gpg-plugin");
      boolean skip =
          publish == null
              || text(child(child(publish, "configuration"), "skipPublishing")).equals("true");
      modules.add(
          new Module(
              text(child(p, "groupId")),
              text(child(p, "artifactId")),
              text(child(p, "version")),
              packaging.isEmpty() ? "jar" : packaging,
              !skip,
              publish == null ? null : text(child(publish, "version")),
              gpg == null ? null : text(child(gpg, "version")),
              p));
    }
    return modules;
  }

  private static Element plugin(Element project, String groupId, String artifactId) {
    for (Element pl : children(child(child(project, "build"), "plugins"), "plugin")) {
      String g = text(child(pl, "groupId"));
      if ((g.isEmpty() ? "org.apache.maven.plugins" : g).equals(groupId)
          && text(child(pl, "artifactId")).equals(artifactId)) {
        return pl;
      }
    }
    return null;
  }

  private static Element parse(InputStream in) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(in).getDocumentElement();
  }

  private static Element child(Element parent, String name) {
    if (parent == null) {
      return null;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    if (parent != null) {
      for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e && e.getTagName().equals(name)) {
          out.add(e);
        }
      }
    }
    return out;
  }

  private static String text(Element e) {
    return e == null ? "" : e.getTextContent().trim();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void fail(String message) {
    System.err.println("CheckBundle: " + message);
    System.exit(1);
  }

  private static void usage(String problem) {
    System.err.println("CheckBundle: " + problem);
    System.err.println(
        "usage: java scripts/tools/CheckBundle.java --bundle ZIP --effective-poms XML"
            + " [--same-as ZIP] [--no-signatures]");
    System.exit(2);
  }
}
