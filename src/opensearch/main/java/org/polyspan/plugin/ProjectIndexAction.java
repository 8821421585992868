package org.polyspan.plugin;

import org.opensearch.action.ActionType;

/** The transport action behind {@code POST _plugins/polyspan/_project/index}. */
public final class ProjectIndexAction extends ActionType<ProjectIndexResponse> {
    public static final String NAME = "cluster:admin/polyspan/project_index";
    public static final ProjectIndexAction INSTANCE = new ProjectIndexAction();

    private ProjectIndexAction() {
        super(NAME, ProjectIndexResponse::new);
    }
}
