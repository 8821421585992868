package org.polyspan.labeling;

/** For models whose network already ends in a classifier (a token-classification export with {@code logits}). */
public final class IdentityHead implements TagHead {
    private final String name;
    private final BioLabels labels;

    public IdentityHead(String name, BioLabels labels) {
        this.name = name;
        this.labels = labels;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public BioLabels labels() {
        return labels;
    }

    @Override
    public float[][] wordLogits(float[][] window, int[] positions) {
        float[][] out = new float[positions.length][];
        for (int i = 0; i < positions.length; i++) {
            if (window[positions[i]].length != labels.size()) {
                throw new IllegalStateException("model emits " + window[positions[i]].length + " logits but has "
                        + labels.size() + " labels");
            }
            out[i] = window[positions[i]];
        }
        return out;
    }
}
