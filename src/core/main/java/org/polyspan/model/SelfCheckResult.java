package org.polyspan.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of a model's self-check on this node: {@code passed}, {@code failed} (with the reason), or
 * {@code absent} (the model directory has no {@code self_check.json}; it is served unchecked).
 */
public record SelfCheckResult(String status, String reason, Map<String, Object> figures) {

    static SelfCheckResult passed(Map<String, Object> figures) {
        return new SelfCheckResult("passed", null, figures);
    }

    static SelfCheckResult failed(String reason, Map<String, Object> figures) {
        return new SelfCheckResult("failed", reason, figures);
    }

    static SelfCheckResult absent() {
        return new SelfCheckResult("absent", "the model directory has no " + SelfCheckReference.FILE
                + ": it is served unchecked (write one with models/tool.sh SelfCheck --write DIR)", Map.of());
    }

    public boolean failed() {
        return "failed".equals(status);
    }

    /** The result as the models API shows it. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        if (reason != null) {
            m.put("reason", reason);
        }
        m.putAll(figures);
        return m;
    }
}
