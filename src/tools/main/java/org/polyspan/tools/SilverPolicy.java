package org.polyspan.tools;

import java.util.List;
import java.util.Locale;

/**
 * How much the words of silver (projected) files count in a head's loss. Projection misses entities far more often
 * than it invents them, so a missed entity is taught as {@code O}: the policy can scale silver words as a whole
 * ({@code weight}), scale only their {@code O} words ({@code outsideWeight}, the "unlabelled entity" problem: an
 * {@code O} in projected data is weak evidence), and leave out silver sentences with no entity at all
 * ({@code dropWithoutEntities}: where projection lost every entity of a sentence). Gold words always count fully
 * (times their file's own weight).
 */
record SilverPolicy(float weight, float outsideWeight, boolean dropWithoutEntities) {

    static final SilverPolicy NONE = new SilverPolicy(1f, 1f, false);

    /** The loss weight of every word of {@code f}. */
    float[] wordWeights(TrainHead.Features f, List<TrainingFile> files) {
        float[] w = new float[f.y().length];
        int[] start = f.sentenceStart();
        for (int s = 0; s + 1 < start.length; s++) {
            TrainingFile file = files.get(f.sentenceFile()[s]);
            boolean dropped = drops(f, files, s);
            for (int i = start[s]; i < start[s + 1]; i++) {
                float base = file.weight();
                if (file.silver()) {
                    base *= dropped ? 0f : weight * (f.y()[i] == 0 ? outsideWeight : 1f);
                }
                w[i] = base;
            }
        }
        return w;
    }

    /** How many sentences of {@code f} the policy leaves out (their words weigh 0, so no training run sees them). */
    int droppedSentences(TrainHead.Features f, List<TrainingFile> files) {
        int dropped = 0;
        for (int s = 0; s + 1 < f.sentenceStart().length; s++) {
            dropped += drops(f, files, s) ? 1 : 0;
        }
        return dropped;
    }

    /** Whether sentence {@code s} of {@code f} is a silver sentence without any entity that the policy leaves out. */
    private boolean drops(TrainHead.Features f, List<TrainingFile> files, int s) {
        if (!dropWithoutEntities || !files.get(f.sentenceFile()[s]).silver()) {
            return false;
        }
        for (int i = f.sentenceStart()[s]; i < f.sentenceStart()[s + 1]; i++) {
            if (f.y()[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "silver weight %s, O weight %s%s", weight, outsideWeight,
                dropWithoutEntities ? ", no-entity sentences dropped" : "");
    }
}
