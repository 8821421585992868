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
 * a child process, one process per batch of texts (see {@link SeparatedBatch}). An OpenSearch node's system call
 * filter forbids child processes, so nodes use {@link ApertiumApyTranslator}; this one serves the command-line tools. Unknown words are copied without Apertium's {@code *} marks
 * ({@code -u}).
 * Newlines inside a text become spaces. Directions come from {@code apertium -l}; regional variants such as
 * {@code eng-cat_valencia} are listed but only the plain {@code xxx-yyy} modes are used.
 */
public final class ApertiumTranslator implements Translator {
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
     * directions; the exception says why when it is not installed, cannot run, or lists no direction.
     */
    public static ApertiumTranslator detect(String command, String path, long timeoutSeconds) throws TranslationException {
        Path exe = locate(command, path);
        if (exe == null) {
            throw new TranslationException("[" + command + "] is not " + (command.contains("/") ? "an executable file" : "on PATH"));
        }
        String listing = run(List.of(exe.toString(), "-l"), "", timeoutSeconds);
        List<String> modes = new ArrayList<>();
        for (String line : listing.split("\n")) {
            String m = line.trim();
            if (m.matches("[a-z]{2,3}-[a-z]{2,3}")) {
                modes.add(m);
            }
        }
        if (modes.isEmpty()) {
            throw new TranslationException(exe + " lists no language pair (install one, e.g. apertium-eng-spa)");
        }
        return new ApertiumTranslator(exe, modes, timeoutSeconds);
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
        return ApertiumModes.mode(source, target, modes);
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

    private List<String> translateBatch(List<String> texts, String mode) throws TranslationException {
        String out = run(List.of(executable.toString(), "-u", mode), SeparatedBatch.join(texts), timeoutSeconds);
        return SeparatedBatch.split(out, texts.size());
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
            String reason = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            if (reason.contains("error: 13")) {
                // OpenSearch's system call filter forbids child processes on the node itself
                reason += "; a node with bootstrap.system_call_filter cannot start processes: run apertium-apy and set "
                        + "polyspan.translate.apertium_url";
            }
            throw new TranslationException("cannot run " + command.get(0) + ": " + reason, e);
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
