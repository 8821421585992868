package org.polyspan.elasticsearch;

import org.elasticsearch.action.ActionType;

/**
 * Runs a models operation (describe, reload, unload) on every node and gathers one answer per node, as
 * {@code _nodes/stats} does. The same action name as on OpenSearch.
 */
public final class ModelsAction extends ActionType<ModelsNodesResponse> {
    public static final String NAME = "cluster:admin/polyspan/models";
    public static final ModelsAction INSTANCE = new ModelsAction();

    private ModelsAction() {
        super(NAME);
    }
}
