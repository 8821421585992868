package org.polyspan.eval;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads token-per-line CoNLL variants: the token is the second-to-last column and the tag the last (so
 * "token TAG", "token\tTAG" and "index\ttoken\tTAG" all work), blank lines separate sentences, {@code -DOCSTART-}
 * lines are dropped, CRLF is accepted and broken UTF-8 bytes are replaced. Tags can be renamed or dropped to O
 * (e.g. DATE), and what was repaired is counted in {@link #report()}.
 */
public final class ConllReader {

    /** Where token and tag are: the last two columns (most CoNLL variants), or the first two (token, tag, extras). */
    public enum Columns {
        LAST_TWO, FIRST_TWO
    }

    private final Map<String, String> rename;
    private final Set<String> keepTypes;
    private final Columns columns;
    private int malformedLines;
    private int strayInside;
    private int skippedLines;

    /**
     * @param rename    entity type renames, e.g. {@code PERSON -> PER}
     * @param keepTypes entity types to keep after renaming; others become O. Empty keeps all.
     */
    public ConllReader(Map<String, String> rename, Set<String> keepTypes) {
        this(rename, keepTypes, Columns.LAST_TWO);
    }

    public ConllReader(Map<String, String> rename, Set<String> keepTypes, Columns columns) {
        this.rename = rename;
        this.keepTypes = keepTypes;
        this.columns = columns;
    }

    public List<ConllSentence> read(Path file) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        String content = decoder.decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        List<ConllSentence> out = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        for (String raw : content.split("\n", -1)) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (line.indexOf('\uFFFD') >= 0) {
                malformedLines++;
            }
            if (line.isBlank()) {
                flush(tokens, tags, out);
                continue;
            }
            String[] cols = line.trim().split("[\t ]+");
            if (cols.length < 2) {
                skippedLines++;
                continue;
            }
            int tokenColumn = columns == Columns.FIRST_TWO ? 0 : cols.length - 2;
            String token = cols[tokenColumn];
            if (token.equals("-DOCSTART-")) {
                continue;
            }
            tokens.add(token);
            tags.add(normalise(cols[tokenColumn + 1]));
        }
        flush(tokens, tags, out);
        return out;
    }

    private String normalise(String tag) {
        if (tag.equals("O") || tag.length() < 3 || tag.charAt(1) != '-') {
            return "O";
        }
        String type = rename.getOrDefault(tag.substring(2), tag.substring(2));
        if (!keepTypes.isEmpty() && !keepTypes.contains(type)) {
            return "O";
        }
        char prefix = tag.charAt(0) == 'I' ? 'I' : 'B'; // E-/S- of other schemes read as B
        return prefix + "-" + type;
    }

    private void flush(List<String> tokens, List<String> tags, List<ConllSentence> out) {
        if (tokens.isEmpty()) {
            return;
        }
        // a stray I-X (after O or another type) starts an entity, as seqeval reads it
        for (int i = 0; i < tags.size(); i++) {
            String t = tags.get(i);
            if (t.startsWith("I-")) {
                String prev = i == 0 ? "O" : tags.get(i - 1);
                if (prev.equals("O") || !prev.substring(2).equals(t.substring(2))) {
                    tags.set(i, "B-" + t.substring(2));
                    strayInside++;
                }
            }
        }
        out.add(new ConllSentence(List.copyOf(tokens), List.copyOf(tags)));
        tokens.clear();
        tags.clear();
    }

    public String report() {
        return "malformed-utf8 lines: " + malformedLines + ", stray I- tags repaired: " + strayInside
                + ", unreadable lines skipped: " + skippedLines;
    }
}
