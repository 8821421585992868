package org.polyspan.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gold test sets of {@code shared/data} that the evaluation command knows, per task, with the entity types that
 * are scored and how gold labels map onto the head's labels.
 */
public final class Benchmarks {
    private Benchmarks() {}

    public enum Task {
        /** PER/ORG/LOC; MISC and MasakhaNER's DATE count as O. */
        NER("ner"),
        /** Disease and Chemical; E3C's single clinical-entity label is scored as Disease (its entities are disorders). */
        MEDICAL("medical"),
        /** Claim and Premise argument components of AbstRCT. */
        ARGUMENT("argument");

        private final String defaultHead;

        Task(String defaultHead) {
            this.defaultHead = defaultHead;
        }

        public String defaultHead() {
            return defaultHead;
        }
    }

    /** One test file: gold types scored ({@code types}) after renaming gold labels ({@code rename}). */
    public record Benchmark(String group, String language, Path file, Map<String, String> rename, Set<String> types) {
        public String name() {
            return group + "/" + language;
        }
    }

    /** The entity types the ner task scores: MISC (and MasakhaNER's DATE) count as O. */
    public static final Set<String> NER_TYPES = Set.of("PER", "ORG", "LOC");
    private static final List<String> WIKINEURAL = List.of("de", "en", "es", "fr", "it", "nl", "pl", "pt", "ru");
    private static final List<String> MASAKHANER = List.of("bam", "bbj", "ewe", "fon", "hau", "ibo", "kin", "lug", "luo",
            "mos", "nya", "pcm", "sna", "swa", "tsn", "twi", "wol", "xho", "yor", "zul");

    public static List<Benchmark> all(Path data, Task task) {
        List<Benchmark> out = new ArrayList<>();
        switch (task) {
            case NER -> {
                out.add(new Benchmark("conll2003", "en", data.resolve("ner/conll2003/en.conll.test.tsv"), Map.of(), NER_TYPES));
                out.add(new Benchmark("conll2003", "de", data.resolve("ner/conll2003/de.conll.test.tsv"), Map.of(), NER_TYPES));
                out.add(new Benchmark("conll2002", "es", data.resolve("ner/conll2002/es/es.conll.test.tsv"), Map.of(), NER_TYPES));
                out.add(new Benchmark("conll2002", "nl", data.resolve("ner/conll2002/nl/nl.conll.test.tsv"), Map.of(), NER_TYPES));
                for (String l : WIKINEURAL) {
                    out.add(new Benchmark("wikineural", l, data.resolve("ner/wikineural/" + l + "/test.conllu"), Map.of(), NER_TYPES));
                }
                for (String l : MASAKHANER) {
                    out.add(new Benchmark("masakhaner2", l, data.resolve("ner/masakhaner2/" + l + "/test.txt"), Map.of(), NER_TYPES));
                }
                for (String l : List.of("en", "de", "es", "it")) {
                    out.add(new Benchmark("europarl", l, data.resolve("projection/europarl_ner/" + l + "-europarl.test.conll02"),
                            Map.of(), NER_TYPES));
                }
            }
            case MEDICAL -> {
                Path bio = data.resolve("medical/bio_ner_en");
                out.add(new Benchmark("ncbi-disease", "en", bio.resolve("NCBI-disease-IOB/test.tsv"), Map.of(), Set.of("Disease")));
                out.add(new Benchmark("bc5cdr", "en", bio.resolve("BC5CDR-IOB/test.tsv"), Map.of(), Set.of("Disease", "Chemical")));
                Map<String, String> e3cLanguages = Map.of("en", "English", "es", "Spanish", "fr", "French", "it", "Italian", "eu", "Basque");
                for (String l : List.of("en", "es", "fr", "it", "eu")) {
                    out.add(new Benchmark("e3c", l, data.resolve("medical/e3c/clinical_entities/layer1/" + e3cLanguages.get(l) + "/test.txt"),
                            Map.of("ety", "Disease", "CLINENTITY", "Disease"), Set.of("Disease")));
                }
            }
            case ARGUMENT -> {
                Path a = data.resolve("medical/abstrct");
                Set<String> types = Set.of("Claim", "Premise");
                out.add(new Benchmark("abstrct-neoplasm", "en", a.resolve("EN/argument_components/original_data/neoplasm_test.tsv"), Map.of(), types));
                out.add(new Benchmark("abstrct-neoplasm", "es", a.resolve("ES/deepl/argument_components/manual_revision/es_neoplasm_deepl_awesome_test.tsv"), Map.of(), types));
                out.add(new Benchmark("abstrct-neoplasm", "fr", a.resolve("FR/nllb/argument_components/manual_revision/fr_neoplasm_nllb_awesome_test.tsv"), Map.of(), types));
                out.add(new Benchmark("abstrct-neoplasm", "it", a.resolve("IT/nllb/argument_components/manual_revision/it_neoplasm_nllb_awesome_test.tsv"), Map.of(), types));
            }
            default -> throw new IllegalArgumentException(task.toString());
        }
        return out;
    }

    /** Benchmarks whose name or group matches one of the selectors ("all", "masakhaner2", "conll2003/de"). */
    public static List<Benchmark> select(Path data, Task task, List<String> selectors) {
        List<Benchmark> out = new ArrayList<>();
        for (Benchmark b : all(data, task)) {
            for (String s : selectors) {
                if (s.equals("all") || s.equals(b.group()) || s.equals(b.name())) {
                    if (!Files.isRegularFile(b.file())) {
                        throw new IllegalArgumentException("missing data file " + b.file());
                    }
                    out.add(b);
                    break;
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no " + task.name().toLowerCase(java.util.Locale.ROOT) + " test set matches " + selectors);
        }
        return out;
    }
}
