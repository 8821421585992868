package org.polyspan.elasticsearch;

import org.elasticsearch.action.ActionType;

/** The transport action behind {@code POST _polyspan/_project/index}; the same name as on OpenSearch. */
public final class ProjectIndexAction extends ActionType<ProjectIndexResponse> {
    public static final String NAME = "cluster:admin/polyspan/project_index";
    public static final ProjectIndexAction INSTANCE = new ProjectIndexAction();

    private ProjectIndexAction() {
        super(NAME);
    }
}
