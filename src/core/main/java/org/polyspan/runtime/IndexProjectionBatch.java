package org.polyspan.runtime;

import org.polyspan.model.ModelLeases;
import org.polyspan.model.ModelRepository;
import org.polyspan.projection.IndexDocuments;
import org.polyspan.projection.IndexProjectionSpec;
import org.polyspan.projection.ProjectionRequest;
import org.polyspan.translation.Translator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * One batch of a {@code _project/index} job without an engine: turns the batch's source documents into destination
 * documents (projected, or recording why not) for the engine's bulk write. A document that cannot be projected is
 * written with {@code projection.error}, never fatal. Documents already done (with {@code resume}) are skipped.
 * Translation and projection go through {@link ModelWork}, so that the engine runs them on its inference pool.
 */
public final class IndexProjectionBatch {
    /** A stored source document: its id and {@code _source}. */
    public record Source(String id, Map<String, Object> source) {}

    /** A destination document to write under {@code id}; {@code failure} is the reason when it records a failure. */
    public record Write(String id, Map<String, Object> document, String failure) {}

    /** What the batch writes, and its counts of skipped documents and projected and unprojected spans. */
    public record Result(List<Write> writes, int skipped, long spansProjected, long spansUnprojected) {}

    /** Runs model work where inference runs and waits for its result. */
    public interface ModelWork {
        <T> T call(Callable<T> work) throws Exception;
    }

    private final ModelRepository models;
    private final IndexProjectionSpec spec;
    private final Translator translator;
    private final ModelWork work;

    /** @param translator the job's translator with {@code translate}, else null */
    public IndexProjectionBatch(ModelRepository models, IndexProjectionSpec spec, Translator translator, ModelWork work) {
        this.models = models;
        this.spec = spec;
        this.translator = translator;
        this.work = work;
    }

    public Result run(List<Source> hits, Set<String> done) {
        List<Write> writes = new ArrayList<>();
        List<Source> todo = new ArrayList<>();
        List<IndexDocuments.Prepared> prepared = new ArrayList<>();
        int skipped = 0;
        for (Source hit : hits) {
            if (done.contains(hit.id())) {
                skipped++;
                continue;
            }
            try {
                IndexDocuments.Prepared p = IndexDocuments.prepare(hit.source(), spec);
                ProjectionRequest own = ProjectionRequest.of(List.of(p.pair()), spec.options()); // the document's own input errors
                if (translator != null) {
                    try {
                        RequestTranslator.checkLengths(own, translator);
                    } catch (BadRequest e) {
                        throw new IllegalArgumentException("cannot translate: " + e.getMessage().replace("pair [0]: ", ""), e);
                    }
                }
                todo.add(hit);
                prepared.add(p);
            } catch (IllegalArgumentException e) {
                writes.add(new Write(hit.id(), IndexDocuments.failed(hit.id(), hit.source(), e.getMessage(), spec), e.getMessage()));
            }
        }
        long spansProjected = 0;
        long spansUnprojected = 0;
        if (!todo.isEmpty()) {
            List<Object> pairs = new ArrayList<>();
            for (IndexDocuments.Prepared p : prepared) {
                pairs.add(p.pair());
            }
            ProjectionRequest request = ProjectionRequest.of(pairs, spec.options());
            String method = request.options().method().name().toLowerCase(Locale.ROOT);
            List<Map<String, Object>> answers = null;
            String failure = null;
            try {
                ProjectionRequest untranslated = request;
                request = work.call(() -> RequestTranslator.withTargets(untranslated, translator));
            } catch (Exception e) {
                failure = "translation failed: " + e.getMessage();
            }
            if (failure == null) {
                try {
                    ProjectionRequest translated = request;
                    answers = work.call(() -> {
                        try (ModelLeases leases = new ModelLeases()) {
                            return ProjectionRunner.run(models, translated, leases);
                        }
                    });
                } catch (Exception e) {
                    failure = "projection failed: " + e.getMessage();
                }
            }
            for (int i = 0; i < todo.size(); i++) {
                Source hit = todo.get(i);
                if (answers == null) {
                    writes.add(new Write(hit.id(), IndexDocuments.failed(hit.id(), hit.source(), failure, spec), failure));
                    continue;
                }
                Map<String, Object> answer = answers.get(i);
                spansProjected += ((List<?>) answer.get("spans")).size();
                spansUnprojected += ((List<?>) answer.get("unprojected")).size();
                writes.add(new Write(hit.id(), IndexDocuments.projected(hit.id(), hit.source(), prepared.get(i), answer, spec, method,
                        request.options().model()), null));
            }
        }
        return new Result(writes, skipped, spansProjected, spansUnprojected);
    }
}
