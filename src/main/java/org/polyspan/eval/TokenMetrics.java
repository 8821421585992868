package org.polyspan.eval;

import java.util.List;

/**
 * Token-level micro P/R/F1 over entity types (B-/I- ignored): the usual second view for long spans such as argument
 * components, where one boundary word off makes an exact-span miss.
 */
public final class TokenMetrics {
    private long truePositives;
    private long predicted;
    private long gold;

    public void add(List<String> goldTags, List<String> predictedTags) {
        for (int i = 0; i < goldTags.size(); i++) {
            String g = type(goldTags.get(i));
            String p = type(predictedTags.get(i));
            if (g != null) {
                gold++;
            }
            if (p != null) {
                predicted++;
                if (p.equals(g)) {
                    truePositives++;
                }
            }
        }
    }

    private static String type(String tag) {
        return tag.equals("O") ? null : tag.substring(2);
    }

    public double precision() {
        return predicted == 0 ? 0 : (double) truePositives / predicted;
    }

    public double recall() {
        return gold == 0 ? 0 : (double) truePositives / gold;
    }

    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }
}
