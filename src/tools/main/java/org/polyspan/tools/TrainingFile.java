package org.polyspan.tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One CoNLL file a head learns from, with the weight of its words in the loss. Gold files ({@code --train}) are taken
 * as they are; silver files ({@code --silver}: labels projected onto translations) have noisy labels, mostly entities
 * the projection missed and so taught as {@code O}, and {@link SilverPolicy} decides how much their words count.
 *
 * @param weight each word's loss is multiplied by it, so a file of N sentences counts like {@code weight * N}
 */
record TrainingFile(Path path, float weight, boolean silver) {

    TrainingFile {
        if (!(weight >= 0) || Float.isInfinite(weight)) {
            throw new IllegalArgumentException("the weight of " + path + " must be finite and >= 0, got " + weight);
        }
    }

    /** {@code FILE[@WEIGHT][,FILE[@WEIGHT]...]}; an empty list gives no files. */
    static List<TrainingFile> parse(String list, boolean silver) {
        List<TrainingFile> files = new ArrayList<>();
        if (list == null || list.isBlank()) {
            return files;
        }
        for (String item : list.split(",")) {
            String spec = item.trim();
            int at = spec.lastIndexOf('@');
            if (at < 0) {
                files.add(new TrainingFile(Path.of(spec), 1f, silver));
                continue;
            }
            try {
                files.add(new TrainingFile(Path.of(spec.substring(0, at)), Float.parseFloat(spec.substring(at + 1)), silver));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("[" + spec + "]: the weight after @ is not a number");
            }
        }
        return files;
    }

    @Override
    public String toString() {
        return path.getFileName() + (weight == 1f ? "" : "@" + weight) + (silver ? " (silver)" : "");
    }
}
