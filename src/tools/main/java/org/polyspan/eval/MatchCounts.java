package org.polyspan.eval;

/** Matches, predictions and gold items, and the micro precision, recall and F1 they give. */
final class MatchCounts {
    long truePositives;
    long predicted;
    long gold;

    double precision() {
        return predicted == 0 ? 0 : (double) truePositives / predicted;
    }

    double recall() {
        return gold == 0 ? 0 : (double) truePositives / gold;
    }

    double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    void addAll(MatchCounts other) {
        truePositives += other.truePositives;
        predicted += other.predicted;
        gold += other.gold;
    }
}
