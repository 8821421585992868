package org.polyspan.labeling;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads token-per-line CoNLL variants, the one reader for gold files, training files and {@code _project} bodies.
 * <ul>
 *   <li>{@link #parse} splits a text into sentences as written: blank lines separate sentences, {@code -DOCSTART-}
 *       lines are dropped, CRLF is accepted. By default the token is the second-to-last column and the tag the last
 *       ({@code token TAG}, {@code token\tTAG}, {@code index\ttoken\tTAG}); {@link Columns#FIRST_TWO} reads
 *       {@code token TAG extras}. A line with one column is a token without a tag.</li>
 *   <li>{@link #read} reads a gold or training file into IOB2: broken UTF-8 bytes are replaced, lines without a tag
 *       skipped, tags of any scheme (IOB1, IOB2, BIOES, BILOU, see {@link TagChunker}) read into spans, types renamed or
 *       dropped to O (e.g. DATE), and the spans written back as IOB2. What was repaired is counted in {@link #report()}.</li>
 * </ul>
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
    private int unknownTags;
    private int openedByInside;
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

    /** Sentences of a CoNLL text, tags as written ({@code null} for a line with only a token). */
    public static List<ConllSentence> parse(String text, Columns columns) {
        List<ConllSentence> out = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        String[] raw = text.split("\n", -1);
        for (int n = 0; n <= raw.length; n++) {
            String line = n < raw.length ? raw[n] : "";
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isBlank()) {
                if (!tokens.isEmpty()) {
                    out.add(new ConllSentence(List.copyOf(tokens), Collections.unmodifiableList(new ArrayList<>(tags)),
                            List.copyOf(lines)));
                    tokens.clear();
                    tags.clear();
                    lines.clear();
                }
                continue;
            }
            String[] cols = line.strip().split("[\t ]+");
            if (cols[0].equals("-DOCSTART-")) {
                continue;
            }
            if (cols.length == 1) {
                tokens.add(cols[0]);
                tags.add(null);
            } else {
                int token = columns == Columns.FIRST_TWO ? 0 : cols.length - 2;
                tokens.add(cols[token]);
                tags.add(cols[token + 1]);
            }
            lines.add(n + 1);
        }
        return out;
    }

    /** A gold or training file with IOB2 tags (see the class comment). */
    public List<ConllSentence> read(Path file) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        String content = decoder.decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        for (String line : content.split("\n", -1)) {
            if (line.indexOf('\uFFFD') >= 0) {
                malformedLines++;
            }
        }
        List<ConllSentence> out = new ArrayList<>();
        for (ConllSentence s : parse(content, columns)) {
            ConllSentence tagged = withoutUntaggedLines(s);
            if (!tagged.tokens().isEmpty()) {
                out.add(new ConllSentence(tagged.tokens(), iob2(tagged.tags()), tagged.lines()));
            }
        }
        return out;
    }

    private ConllSentence withoutUntaggedLines(ConllSentence s) {
        if (!s.tags().contains(null)) {
            return s;
        }
        List<String> tokens = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        for (int i = 0; i < s.tokens().size(); i++) {
            if (s.tags().get(i) == null) {
                skippedLines++;
                continue;
            }
            tokens.add(s.tokens().get(i));
            tags.add(s.tags().get(i));
            lines.add(s.lines().get(i));
        }
        return new ConllSentence(List.copyOf(tokens), List.copyOf(tags), List.copyOf(lines));
    }

    /** Tags of any scheme as IOB2, after renaming and dropping types; an unknown tag reads as O. */
    private List<String> iob2(List<String> tags) {
        List<String> known = new ArrayList<>(tags);
        for (int i = 0; i < known.size(); i++) {
            if (!TagChunker.valid(known.get(i))) {
                known.set(i, "O");
                unknownTags++;
            }
        }
        List<TagChunker.Chunk> kept = new ArrayList<>();
        for (TagChunker.Chunk c : TagChunker.chunks(known)) {
            char first = known.get(c.start()).charAt(0);
            if (first == 'I' || first == 'E' || first == 'L') {
                openedByInside++;
            }
            String type = rename.getOrDefault(c.type(), c.type());
            if (keepTypes.isEmpty() || keepTypes.contains(type)) {
                kept.add(new TagChunker.Chunk(type, c.start(), c.end()));
            }
        }
        return List.copyOf(TagChunker.iob2(tags.size(), kept));
    }

    /** Whether anything read so far was repaired or skipped (see {@link #report()}). */
    public boolean repaired() {
        return malformedLines + openedByInside + unknownTags + skippedLines > 0;
    }

    public String report() {
        return "malformed-utf8 lines: " + malformedLines + ", entities opened by an I-/E-/L- tag (IOB1 or stray): " + openedByInside
                + ", unknown tags read as O: " + unknownTags + ", lines without a tag skipped: " + skippedLines;
    }
}
