package org.polyspan.it;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/** Model directories a test installs in the node's models directory for the length of a test, and removes. */
final class ModelDirs {
    private ModelDirs() {}

    /**
     * Copies a model directory; files rw-r--r--, directories rwxr-xr-x, so that the node's user reads them. With
     * {@code linkOnnx}, the {@code .onnx} files (hundreds of MB, never written) are hard links where the file system allows.
     */
    static void copy(Path from, Path to, boolean linkOnnx) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path d = to.resolve(from.relativize(dir).toString());
                Files.createDirectories(d);
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path f = to.resolve(from.relativize(file).toString());
                if (linkOnnx && file.getFileName().toString().endsWith(".onnx") && link(f, file)) {
                    return FileVisitResult.CONTINUE;
                }
                Files.copy(file, f, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static boolean link(Path link, Path existing) {
        try {
            Files.createLink(link, existing);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Deletes a directory tree; a failure is printed, not thrown (cleanup). */
    static void delete(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("cleanup: cannot delete " + root + ": " + e);
        }
    }
}
