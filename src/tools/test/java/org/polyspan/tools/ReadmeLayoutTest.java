package org.polyspan.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Layout table is the map of the repository, so it must match the folders: every path it names exists,
 * every folder git would track has a row (a folder whose rows name paths inside it, like {@code src/}, must have a row
 * for each folder in it), and the {@code src/core} row names every package of the core.
 */
class ReadmeLayoutTest {
    private static final String CORE_ROW = "src/core";
    private static final String CORE_PACKAGES = "src/core/main/java/org/polyspan";

    @Test
    void everyPathOfTheLayoutTableExists() {
        Path root = repositoryRoot();
        Map<String, String> rows = layoutRows(root);
        assertTrue(rows.size() >= 5, "the Layout table of README.md has too few rows: " + rows.keySet());
        List<String> missing = rows.keySet().stream().filter(p -> !Files.exists(root.resolve(p))).toList();
        assertEquals(List.of(), missing, "README.md's Layout table names paths that do not exist");
    }

    @Test
    void everyTrackedFolderHasARow() {
        Path root = repositoryRoot();
        assertEquals(List.of(), foldersWithoutRow(root, layoutRows(root).keySet()),
                "folders of the repository without a row in README.md's Layout table");
    }

    @Test
    void theCoreRowNamesEveryPackageOfTheCore() {
        Path root = repositoryRoot();
        String coreRow = layoutRows(root).get(CORE_ROW);
        assertNotNull(coreRow, "README.md's Layout table has no row for " + CORE_ROW);
        List<String> packages = corePackages(root);
        assertFalse(packages.isEmpty(), "no Java package found under " + CORE_PACKAGES);
        List<String> unnamed = packages.stream().filter(p -> !coreRow.contains("`" + p + "`")).toList();
        assertEquals(List.of(), unnamed, "packages of the core not named (in backticks) in the Layout table's "
                + CORE_ROW + " row");
    }

    /** The checks themselves: a folder added without a row, or a row for a folder that is gone, is caught. */
    @Test
    void aFolderWithoutARowIsCaught(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(".gitignore"), "target/\n*.pyc\nbuild/out\n");
        for (String file : List.of("src/core/main/java/org/polyspan/alpha/A.java", "src/core/main/java/org/polyspan/beta/B.java",
                "src/shell/X.java", "docs/a.md", "newfolder/notes.md", "target/classes/C.class", "build/out/x.txt")) {
            Files.createDirectories(dir.resolve(file).getParent());
            Files.writeString(dir.resolve(file), "x");
        }
        Files.createDirectories(dir.resolve("empty"));
        Files.writeString(dir.resolve("README.md"), String.join("\n",
                "# R", "", "## Layout", "", "| path | |", "|---|---|",
                "| `src/core` | packages `alpha` and `gamma` |", "| `docs/` | docs, with a \\| in it |",
                "| `gone/` | a folder that was removed |", "", "## Next", "| `not/the/layout` | |", ""));
        Map<String, String> rows = layoutRows(dir);
        assertEquals(List.of("src/core", "docs", "gone"), List.copyOf(rows.keySet()));
        // src/shell and newfolder have no row; target (ignored), build (only ignored files) and empty are not tracked
        assertEquals(List.of("newfolder", "src/shell"), foldersWithoutRow(dir, rows.keySet()));
        assertEquals(List.of("alpha", "beta"), corePackages(dir));
        assertFalse(Files.exists(dir.resolve("gone")));
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** The directory that holds pom.xml, README.md and .ci together: the module's working directory or one above it. */
    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isRegularFile(p.resolve("README.md"))
                    && Files.isDirectory(p.resolve(".ci"))) {
                return p;
            }
        }
        throw new IllegalStateException("no directory holding pom.xml, README.md and .ci above " + Path.of("").toAbsolutePath());
    }

    /**
     * The first table after the {@code ## Layout} heading of README.md: its first column (backticks and a trailing
     * slash removed) mapped to the whole row, in order.
     */
    static Map<String, String> layoutRows(Path root) {
        List<String> lines;
        try {
            lines = Files.readAllLines(root.resolve("README.md"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int i = 0;
        while (i < lines.size() && !lines.get(i).strip().equals("## Layout")) {
            i++;
        }
        assertTrue(i < lines.size(), "README.md has no '## Layout' section");
        for (i++; i < lines.size() && !lines.get(i).startsWith("|"); i++) {
            assertFalse(lines.get(i).startsWith("#"), "README.md's Layout section has no table before its next heading");
        }
        Map<String, String> rows = new LinkedHashMap<>();
        boolean header = true;
        for (; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String line = lines.get(i);
            if (header) { // the header row, then the |---|---| row
                header = false;
                continue;
            }
            if (line.matches("\\|[-:| ]+\\|?\\s*")) {
                continue;
            }
            String first = firstCell(line).replace("`", "").strip();
            while (first.endsWith("/")) {
                first = first.substring(0, first.length() - 1);
            }
            if (!first.isEmpty()) {
                rows.put(first, line);
            }
        }
        return rows;
    }

    /** The text between the row's first '|' and the next '|' that is not escaped as '\|'. */
    private static String firstCell(String row) {
        StringBuilder cell = new StringBuilder();
        for (int k = 1; k < row.length(); k++) {
            char c = row.charAt(k);
            if (c == '\\' && k + 1 < row.length() && row.charAt(k + 1) == '|') {
                cell.append('|');
                k++;
            } else if (c == '|') {
                break;
            } else {
                cell.append(c);
            }
        }
        return cell.toString();
    }

    /**
     * Folders git would track (not {@code .git}, not ignored by the root {@code .gitignore}, holding at least one file
     * that is not ignored) that the table does not cover. A top-level folder is covered by a row of its own; a folder
     * that the table only names paths inside (such as {@code src}) needs a row for each folder in it.
     */
    static List<String> foldersWithoutRow(Path root, Set<String> rowPaths) {
        GitIgnore ignore = GitIgnore.of(root);
        TreeSet<String> missing = new TreeSet<>();
        for (Path top : trackedFolders(root, root, ignore)) {
            String name = relative(root, top);
            if (rowPaths.contains(name)) {
                continue;
            }
            boolean hasInnerRows = rowPaths.stream().anyMatch(p -> p.startsWith(name + "/"));
            if (!hasInnerRows) {
                missing.add(name);
                continue;
            }
            for (Path inner : trackedFolders(root, top, ignore)) {
                String innerName = relative(root, inner);
                if (!rowPaths.contains(innerName)) {
                    missing.add(innerName);
                }
            }
        }
        return List.copyOf(missing);
    }

    /** Java packages of the core, relative to org/polyspan and dotted: every folder there that holds a .java file. */
    static List<String> corePackages(Path root) {
        Path base = root.resolve(CORE_PACKAGES);
        TreeSet<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(base)) {
            files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".java"))
                    .map(f -> base.relativize(f.getParent()).toString())
                    .filter(p -> !p.isEmpty())
                    .forEach(p -> packages.add(p.replace(base.getFileSystem().getSeparator(), ".")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(packages);
    }

    private static List<Path> trackedFolders(Path root, Path parent, GitIgnore ignore) {
        try (Stream<Path> children = Files.list(parent)) {
            return children.filter(Files::isDirectory)
                    .filter(d -> !d.getFileName().toString().equals(".git"))
                    .filter(d -> !ignore.ignored(relative(root, d)))
                    .filter(d -> holdsTrackedFile(root, d, ignore))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean holdsTrackedFile(Path root, Path dir, GitIgnore ignore) {
        try (Stream<Path> files = Files.walk(dir)) {
            // a file, or a symbolic link, which git tracks as a file of its own
            return files.filter(f -> Files.isSymbolicLink(f) || Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).anyMatch(f -> {
                for (Path p = f; p != null && !p.equals(root); p = p.getParent()) {
                    if (ignore.ignored(relative(root, p))) {
                        return false;
                    }
                }
                return true;
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace(root.getFileSystem().getSeparator(), "/");
    }

    /**
     * The root {@code .gitignore}'s plain patterns, enough for this check: a pattern without an inner '/' matches a
     * file or folder name anywhere, one with an inner '/' a path from the root; globs as git's, negations unsupported.
     */
    private record GitIgnore(List<PathMatcher> names, List<PathMatcher> paths) {
        static GitIgnore of(Path root) {
            List<PathMatcher> names = new ArrayList<>();
            List<PathMatcher> paths = new ArrayList<>();
            Path file = root.resolve(".gitignore");
            if (Files.isRegularFile(file)) {
                try {
                    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                        String p = line.strip();
                        if (p.isEmpty() || p.startsWith("#") || p.startsWith("!")) {
                            continue;
                        }
                        while (p.endsWith("/")) {
                            p = p.substring(0, p.length() - 1);
                        }
                        boolean anchored = p.contains("/");
                        if (p.startsWith("/")) {
                            p = p.substring(1);
                        }
                        (anchored ? paths : names).add(FileSystems.getDefault().getPathMatcher("glob:" + p));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return new GitIgnore(names, paths);
        }

        boolean ignored(String relativePath) {
            Path path = Path.of(relativePath);
            Path name = path.getFileName();
            return names.stream().anyMatch(m -> m.matches(name)) || paths.stream().anyMatch(m -> m.matches(path));
        }
    }
}
