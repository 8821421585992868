package org.polyspan.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The gold NER test sets of {@code shared/data} that the evaluation command knows, grouped as in the README table. */
public final class NerBenchmarks {
    private NerBenchmarks() {}

    public record Benchmark(String group, String language, Path file, Map<String, String> rename) {
        public String name() {
            return group + "/" + language;
        }
    }

    private static final List<String> WIKINEURAL = List.of("de", "en", "es", "fr", "it", "nl", "pl", "pt", "ru");
    private static final List<String> MASAKHANER = List.of("bam", "bbj", "ewe", "fon", "hau", "ibo", "kin", "lug", "luo",
            "mos", "nya", "pcm", "sna", "swa", "tsn", "twi", "wol", "xho", "yor", "zul");

    public static List<Benchmark> all(Path data) {
        List<Benchmark> out = new ArrayList<>();
        out.add(new Benchmark("conll2003", "en", data.resolve("ner/conll2003/en.conll.test.tsv"), Map.of()));
        out.add(new Benchmark("conll2003", "de", data.resolve("ner/conll2003/de.conll.test.tsv"), Map.of()));
        out.add(new Benchmark("conll2002", "es", data.resolve("ner/conll2002/es/es.conll.test.tsv"), Map.of()));
        out.add(new Benchmark("conll2002", "nl", data.resolve("ner/conll2002/nl/nl.conll.test.tsv"), Map.of()));
        for (String l : WIKINEURAL) {
            out.add(new Benchmark("wikineural", l, data.resolve("ner/wikineural/" + l + "/test.conllu"), Map.of()));
        }
        for (String l : MASAKHANER) {
            out.add(new Benchmark("masakhaner2", l, data.resolve("ner/masakhaner2/" + l + "/test.txt"), Map.of()));
        }
        for (String l : List.of("en", "de", "es", "it")) {
            out.add(new Benchmark("europarl", l, data.resolve("projection/europarl_ner/" + l + "-europarl.test.conll02"), Map.of()));
        }
        return out;
    }

    /** Benchmarks whose name or group matches one of the selectors ("all", "masakhaner2", "conll2003/de"). */
    public static List<Benchmark> select(Path data, List<String> selectors) {
        List<Benchmark> out = new ArrayList<>();
        for (Benchmark b : all(data)) {
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
        return out;
    }
}
