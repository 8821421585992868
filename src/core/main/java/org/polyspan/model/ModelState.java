package org.polyspan.model;

import java.util.Locale;

/** Where a model stands on one node. */
public enum ModelState {
    /** Never loaded, or unloaded: the next call that needs it loads it. */
    NOT_LOADED,
    /** A load is running in the background. */
    LOADING,
    /** A copy is in service. */
    LOADED,
    /** The last load failed; the error says why, and the next call that needs the model tries again. */
    FAILED;

    /** The name used in answers, e.g. {@code not_loaded}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
