package org.polyspan.eval;

import java.util.List;

/**
 * Token-level micro P/R/F1 over entity types (B-/I- ignored): the usual second view for long spans such as argument
 * components, where one boundary word off makes an exact-span miss.
 */
public final class TokenMetrics {
    private final MatchCounts counts = new MatchCounts();

    public void add(List<String> goldTags, List<String> predictedTags) {
        for (int i = 0; i < goldTags.size(); i++) {
            String g = type(goldTags.get(i));
            String p = type(predictedTags.get(i));
            if (g != null) {
                counts.gold++;
            }
            if (p != null) {
                counts.predicted++;
                if (p.equals(g)) {
                    counts.truePositives++;
                }
            }
        }
    }

    private static String type(String tag) {
        return tag.equals("O") ? null : tag.substring(2);
    }

    public double precision() {
        return counts.precision();
    }

    public double recall() {
        return counts.recall();
    }

    public double f1() {
        return counts.f1();
    }
}
