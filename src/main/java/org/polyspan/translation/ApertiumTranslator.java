package org.polyspan.translation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Apertium, the rule-based MT engine packaged by Debian ({@code apt-get install apertium apertium-eng-spa}), run as
 * a child process, one process per batch of texts. Unknown words are copied without Apertium's {@code *} marks
 * ({@code -u}).
 * Newlines inside a text become spaces. Directions come from {@code apertium -l}; regional variants such as
 * {@code eng-cat_valencia} are listed but only the plain {@code xxx-yyy} modes are used.
 */
public final class ApertiumTranslator implements Translator {
    private static final String SEPARATOR = ".";
    private final Path executable;
    private final List<String> modes;
    private final long timeoutSeconds;

    ApertiumTranslator(Path executable, List<String> modes, long timeoutSeconds) {
        this.executable = executable;
        this.modes = List.copyOf(modes);
        this.timeoutSeconds = timeoutSeconds;
    }

    /**
     * Finds {@code apertium} ({@code command} as an absolute path, or a name looked up on {@code PATH}) and lists its
     * directions. Returns {@code null} when it is not installed or lists no direction.
     */
    public static ApertiumTranslator detect(String command, String path, long timeoutSeconds) {
        Path exe = locate(command, path);
        if (exe == null) {
            return null;
        }
        try {
            String listing = run(List.of(exe.toString(), "-l"), "", timeoutSeconds);
            List<String> modes = new ArrayList<>();
            for (String line : listing.split("\n")) {
                String m = line.trim();
                if (m.matches("[a-z]{2,3}-[a-z]{2,3}")) {
                    modes.add(m);
                }
            }
            return modes.isEmpty() ? null : new ApertiumTranslator(exe, modes, timeoutSeconds);
        } catch (TranslationException e) {
            return null;
        }
    }

    static Path locate(String command, String path) {
        if (command.contains("/")) {
            Path p = Path.of(command);
            return Files.isExecutable(p) ? p : null;
        }
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    @Override
    public String name() {
        return "apertium";
    }

    private String mode(String source, String target) {
        String s = LanguageCodes.toApertium(source);
        String t = LanguageCodes.toApertium(target);
        if (s == null || t == null) {
            return null;
        }
        String m = s + "-" + t;
        return modes.contains(m) ? m : null;
    }

    @Override
    public boolean supports(String source, String target) {
        return mode(source, target) != null;
    }

    @Override
    public List<String> directions() {
        return Collections.unmodifiableList(modes);
    }

    @Override
    public List<String> translate(List<String> texts, String source, String target) throws TranslationException {
        String mode = mode(source, target);
        if (mode == null) {
            throw new TranslationException("apertium has no direction " + source + "->" + target + "; installed: " + modes);
        }
        if (texts.isEmpty()) {
            return List.of();
        }
        List<String> batch = translateBatch(texts, mode);
        if (batch != null) {
            return batch;
        }
        // The separators did not survive (seen with no pair so far): translate text by text instead.
        List<String> result = new ArrayList<>(texts.size());
        for (String text : texts) {
            List<String> one = translateBatch(List.of(text), mode);
            if (one == null) {
                throw new TranslationException("apertium " + mode + " returned unexpected output for [" + text + "]");
            }
            result.add(one.get(0));
        }
        return result;
    }

    /**
     * One process for the whole batch: each text on its own line followed by a line holding only {@code .}. Apertium
     * moves words across plain line breaks (in both {@code txt} and {@code line} mode), but never across a sentence
     * end, so the separator keeps every translation to its own text; {@code null} when the layout did not come back.
     */
    private List<String> translateBatch(List<String> texts, String mode) throws TranslationException {
        StringBuilder in = new StringBuilder();
        for (String t : texts) {
            in.append(t.replace('\r', ' ').replace('\n', ' ')).append("\n" + SEPARATOR + "\n");
        }
        String out = run(List.of(executable.toString(), "-u", mode), in.toString(), timeoutSeconds);
        String[] lines = out.split("\n", -1);
        if (lines.length < 2 * texts.size()) {
            return null;
        }
        List<String> result = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            if (!lines[2 * i + 1].strip().equals(SEPARATOR)) {
                return null;
            }
            result.add(lines[2 * i].strip());
        }
        for (int i = 2 * texts.size(); i < lines.length; i++) {
            if (!lines[i].isBlank()) {
                return null;
            }
        }
        return result;
    }

    /**
     * Runs a command with {@code input} on stdin. Input and output go through temporary files, so a large batch can
     * neither dead-lock on full pipes nor outlive the timeout.
     */
    private static String run(List<String> command, String input, long timeoutSeconds) throws TranslationException {
        Path in = null;
        Path out = null;
        Process process = null;
        try {
            in = Files.createTempFile("polyspan-mt-in", ".txt");
            out = Files.createTempFile("polyspan-mt-out", ".txt");
            Files.writeString(in, input, StandardCharsets.UTF_8);
            process = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new TranslationException(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
            }
            if (process.exitValue() != 0) {
                throw new TranslationException(String.join(" ", command) + " exited with status " + process.exitValue());
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TranslationException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TranslationException("interrupted while translating", e);
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
            deleteQuietly(in);
            deleteQuietly(out);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }

    @Override
    public String toString() {
        return "apertium " + executable + " " + String.join(",", modes).toLowerCase(Locale.ROOT);
    }
}
