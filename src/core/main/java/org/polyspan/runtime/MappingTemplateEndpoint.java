package org.polyspan.runtime;

import org.polyspan.ingest.SpanLabelingOptions;

import java.util.List;

/**
 * {@code GET .../mapping_template?target_field=spans}: a component template body mapping the processor's output, spans
 * as {@code nested} objects and {@code <target>_by_label.*} as keywords ({@link MappingTemplate}).
 */
public final class MappingTemplateEndpoint extends Endpoint {
    public MappingTemplateEndpoint() {
        super("polyspan_mapping_template", new Route("GET", "/mapping_template"));
    }

    @Override
    public Answer answer(Call call) {
        String target = call.param(SpanLabelingOptions.TARGET_FIELD);
        target = target == null ? MappingTemplate.DEFAULT_TARGET : target;
        return Answer.now(Reply.json(200, MappingTemplate.componentTemplate(List.of(target))));
    }
}
