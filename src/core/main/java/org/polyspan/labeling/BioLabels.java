package org.polyspan.labeling;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An IOB2 tag set ({@code O}, {@code B-X}, {@code I-X}) with the transitions that keep spans well formed: an
 * {@code I-X} may only follow {@code B-X} or {@code I-X}, and may not start a sequence.
 */
public final class BioLabels {
    private final List<String> tags;
    private final String[] entityOf;
    private final boolean[] inside;
    private final boolean[][] allowed;
    private final boolean[] allowedAtStart;
    private final List<String> entityTypes;

    public BioLabels(List<String> tags) {
        if (tags.isEmpty()) {
            throw new IllegalArgumentException("a tag set needs at least one tag");
        }
        this.tags = List.copyOf(tags);
        int n = tags.size();
        entityOf = new String[n];
        inside = new boolean[n];
        Set<String> types = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            String tag = tags.get(i);
            if (tag.equals("O")) {
                continue;
            }
            if (tag.length() < 3 || tag.charAt(1) != '-' || (tag.charAt(0) != 'B' && tag.charAt(0) != 'I')) {
                throw new IllegalArgumentException("tag [" + tag + "] is not IOB2 (expected O, B-<type> or I-<type>)");
            }
            entityOf[i] = tag.substring(2);
            inside[i] = tag.charAt(0) == 'I';
            types.add(entityOf[i]);
        }
        entityTypes = Collections.unmodifiableList(new ArrayList<>(types));
        allowed = new boolean[n][n];
        allowedAtStart = new boolean[n];
        for (int to = 0; to < n; to++) {
            allowedAtStart[to] = !inside[to];
            for (int from = 0; from < n; from++) {
                allowed[from][to] = !inside[to] || (entityOf[from] != null && entityOf[from].equals(entityOf[to]));
            }
        }
    }

    public int size() {
        return tags.size();
    }

    public List<String> tags() {
        return tags;
    }

    /** Entity types in first-seen order, e.g. {@code [PER, ORG, LOC]}. */
    public List<String> entityTypes() {
        return entityTypes;
    }

    public String tag(int index) {
        return tags.get(index);
    }

    /** The entity type of a tag, or null for {@code O}. */
    public String entityOf(int index) {
        return entityOf[index];
    }

    public boolean isInside(int index) {
        return inside[index];
    }

    public boolean isBegin(int index) {
        return entityOf[index] != null && !inside[index];
    }

    public boolean allowed(int from, int to) {
        return allowed[from][to];
    }

    public boolean allowedAtStart(int to) {
        return allowedAtStart[to];
    }
}
