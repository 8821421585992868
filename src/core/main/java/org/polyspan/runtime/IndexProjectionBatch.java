package org.polyspan.runtime;

import org.polyspan.model.ModelLeases;
import org.polyspan.model.ModelRepository;
import org.polyspan.projection.IndexDocuments;
import org.polyspan.projection.IndexProjectionSpec;
import org.polyspan.projection.ProjectionOptions;
import org.polyspan.projection.ProjectionRequest;
import org.polyspan.projection.ProjectionService;
import org.polyspan.translation.Translator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;

/**
 * One batch of a {@code _project/index} job without an engine: turns the batch's source documents into destination
 * documents (projected, or recording why not) for the engine's bulk write, one per source document and target language.
 * A document that cannot be projected is written with {@code projection.error}, never fatal. Documents already done
 * (with {@code resume}) are skipped, per destination. Translation and projection go through {@link ModelWork}, so that
 * the engine runs them on its inference pool; the pairs of every target language are projected in one call, so each
 * source text is encoded once however many target languages the job has ({@link Result#encodings()}).
 */
public final class IndexProjectionBatch {
    /** A stored source document: its id and {@code _source}. */
    public record Source(String id, Map<String, Object> source) {}

    /**
     * A destination document to write under {@code id} into {@code index}; {@code failure} is the reason when it records
     * a failure.
     */
    public record Write(String index, String id, Map<String, Object> document, String failure) {}

    /**
     * What the batch writes, its counts of skipped destination documents and of projected and unprojected spans, and
     * what its projection encoded.
     */
    public record Result(List<Write> writes, int skipped, long spansProjected, long spansUnprojected,
                         ProjectionService.Encodings encodings) {}

    /** Runs model work where inference runs and waits for its result. */
    public interface ModelWork {
        <T> T call(Callable<T> work) throws Exception;
    }

    private final ModelRepository models;
    private final IndexProjectionSpec spec;
    private final List<Translator> translators;
    private final ModelWork work;

    /**
     * @param translators per target of the spec, in order, its translator with {@code translate} (else null); see
     *                    {@link #translators}
     */
    public IndexProjectionBatch(ModelRepository models, IndexProjectionSpec spec, List<Translator> translators, ModelWork work) {
        if (translators.size() != spec.targets().size()) {
            throw new IllegalArgumentException(translators.size() + " translators for " + spec.targets().size() + " targets");
        }
        this.models = models;
        this.spec = spec;
        this.translators = new ArrayList<>(translators);
        this.work = work;
    }

    /**
     * {@code e}, a failure of this batch's documents; but a cancelled job or an interrupted thread stops the run rather
     * than writing every document of the batch as failed.
     */
    private static Exception stopOn(Exception e) {
        if (e instanceof CancellationException c) {
            throw c;
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            CancellationException stop = new CancellationException("interrupted");
            stop.initCause(e);
            throw stop;
        }
        return e;
    }

    /**
     * Checks, before a job starts, what every target needs: its models (loading them) and, with {@code translate}, a
     * translator for its direction. Unusable options are a {@link BadRequest} naming the field.
     */
    public static void check(ModelRepository models, IndexProjectionSpec spec, Translator.Lookup apertium) throws Exception {
        try (ModelLeases checked = new ModelLeases()) {
            translators(models, spec, apertium, checked);
        }
        checkModels(models, spec);
    }

    /** {@link ProjectionRunner#check} for the options of every target (models loaded, languages checked). */
    public static void checkModels(ModelRepository models, IndexProjectionSpec spec) throws Exception {
        Set<ProjectionOptions> seen = new java.util.HashSet<>();
        for (IndexProjectionSpec.Target t : spec.targets()) {
            if (seen.add(t.options())) {
                try {
                    ProjectionRunner.check(models, t.options());
                } catch (BadRequest e) {
                    throw new BadRequest(t.field(e.field()), e.getMessage());
                }
            }
        }
    }

    /**
     * The translator of each target, in order, with {@code translate} (else nulls); translation models are leased in
     * {@code leases}, which the job holds until it ends.
     */
    public static List<Translator> translators(ModelRepository models, IndexProjectionSpec spec, Translator.Lookup apertium,
                                               ModelLeases leases) throws BadRequest {
        List<Translator> out = new ArrayList<>();
        for (IndexProjectionSpec.Target t : spec.targets()) {
            try {
                out.add(spec.translate() ? RequestTranslator.resolve(t.options(), apertium, models, leases) : null);
            } catch (BadRequest e) {
                throw new BadRequest(t.field(e.field()), e.getMessage());
            }
        }
        return out;
    }

    /**
     * Projects the batch onto every target.
     *
     * @param done per destination index, the ids of the batch already projected there (skipped with {@code resume})
     */
    public Result run(List<Source> hits, Map<String, Set<String>> done) {
        List<Write> writes = new ArrayList<>();
        int skipped = 0;
        int targets = spec.targets().size();
        List<List<Source>> todo = new ArrayList<>();
        List<List<IndexDocuments.Prepared>> prepared = new ArrayList<>();
        for (int t = 0; t < targets; t++) {
            IndexProjectionSpec.Target target = spec.targets().get(t);
            Set<String> doneHere = done.getOrDefault(target.destIndex(), Set.of());
            List<Source> ids = new ArrayList<>();
            List<IndexDocuments.Prepared> pairs = new ArrayList<>();
            for (Source hit : hits) {
                if (doneHere.contains(hit.id())) {
                    skipped++;
                    continue;
                }
                try {
                    IndexDocuments.Prepared p = IndexDocuments.prepare(hit.source(), spec, target);
                    ProjectionRequest own = ProjectionRequest.of(List.of(p.pair()), target.options()); // the document's own input errors
                    if (translators.get(t) != null) {
                        try {
                            RequestTranslator.checkLengths(own, translators.get(t));
                        } catch (BadRequest e) {
                            throw new IllegalArgumentException("cannot translate: " + e.getMessage().replace("pair [0]: ", ""), e);
                        }
                    }
                    ids.add(hit);
                    pairs.add(p);
                } catch (IllegalArgumentException e) {
                    writes.add(failed(target, hit, e.getMessage()));
                }
            }
            todo.add(ids);
            prepared.add(pairs);
        }
        // translate, target by target; a target whose translation fails fails its documents of the batch
        List<ProjectionRequest> requests = new ArrayList<>();
        List<Integer> requestTargets = new ArrayList<>();
        String[] failures = new String[targets];
        for (int t = 0; t < targets; t++) {
            if (todo.get(t).isEmpty()) {
                continue;
            }
            List<Object> pairs = new ArrayList<>();
            for (IndexDocuments.Prepared p : prepared.get(t)) {
                pairs.add(p.pair());
            }
            ProjectionRequest request = ProjectionRequest.of(pairs, spec.targets().get(t).options());
            Translator translator = translators.get(t);
            try {
                requests.add(work.call(() -> RequestTranslator.withTargets(request, translator)));
                requestTargets.add(t);
            } catch (Exception e) {
                failures[t] = "translation failed: " + stopOn(e).getMessage();
            }
        }
        // project every target's pairs in one call: each source text is encoded once
        List<List<Map<String, Object>>> answers = new ArrayList<>();
        ProjectionService.Encodings encodings = ProjectionService.Encodings.NONE;
        if (!requests.isEmpty()) {
            try {
                ProjectionService.Outcome outcome = work.call(() -> {
                    try (ModelLeases leases = new ModelLeases()) {
                        return ProjectionRunner.runAll(models, requests, leases);
                    }
                });
                answers = outcome.answers();
                encodings = outcome.encodings();
            } catch (Exception e) {
                for (int t : requestTargets) {
                    failures[t] = "projection failed: " + stopOn(e).getMessage();
                }
            }
        }
        long spansProjected = 0;
        long spansUnprojected = 0;
        for (int t = 0; t < targets; t++) {
            IndexProjectionSpec.Target target = spec.targets().get(t);
            int r = requestTargets.indexOf(t);
            for (int i = 0; i < todo.get(t).size(); i++) {
                Source hit = todo.get(t).get(i);
                if (failures[t] != null) {
                    writes.add(failed(target, hit, failures[t]));
                    continue;
                }
                Map<String, Object> answer = answers.get(r).get(i);
                spansProjected += ((List<?>) answer.get("spans")).size();
                spansUnprojected += ((List<?>) answer.get("unprojected")).size();
                ProjectionRequest request = requests.get(r);
                writes.add(new Write(target.destIndex(), hit.id(), IndexDocuments.projected(hit.id(), hit.source(),
                        prepared.get(t).get(i), answer, spec, target, request.options().method().name().toLowerCase(Locale.ROOT),
                        request.options().model()), null));
            }
        }
        return new Result(writes, skipped, spansProjected, spansUnprojected, encodings);
    }

    private Write failed(IndexProjectionSpec.Target target, Source hit, String reason) {
        return new Write(target.destIndex(), hit.id(), IndexDocuments.failed(hit.id(), hit.source(), reason, spec), reason);
    }
}
