package org.polyspan.runtime;

import java.util.List;

/**
 * {@code GET .../mapping_template?target_field=spans}: a component template body mapping the processor's output, spans
 * as {@code nested} objects and {@code <target>_by_label.*} as keywords ({@link MappingTemplate}).
 */
public final class MappingTemplateEndpoint extends Endpoint {
    /** Named as the processor's option whose output it maps; spelled here so that {@code runtime} needs nothing of {@code ingest}. */
    static final String TARGET_FIELD = "target_field";

    public MappingTemplateEndpoint() {
        super("polyspan_mapping_template", new Route("GET", "/mapping_template"));
    }

    @Override
    public Answer answer(Call call) {
        String target = call.param(TARGET_FIELD);
        target = target == null ? MappingTemplate.DEFAULT_TARGET : target;
        String invalid = MappingTemplate.invalidTarget(target);
        if (invalid != null) {
            return Answer.now(Reply.error(400, TARGET_FIELD, invalid)); // the same check as the processor's
        }
        return Answer.now(Reply.json(200, MappingTemplate.componentTemplate(List.of(target))));
    }
}
