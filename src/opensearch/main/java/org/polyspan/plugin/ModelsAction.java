package org.polyspan.plugin;

import org.opensearch.action.ActionType;

/**
 * Runs a models operation (describe, reload, unload) on every node and gathers one answer per node, as
 * {@code _nodes/stats} does. Named {@code cluster:admin/...} like ml-commons' model profile and deploy actions.
 */
public final class ModelsAction extends ActionType<ModelsNodesResponse> {
    public static final String NAME = "cluster:admin/polyspan/models";
    public static final ModelsAction INSTANCE = new ModelsAction();

    private ModelsAction() {
        super(NAME, ModelsNodesResponse::new);
    }
}
