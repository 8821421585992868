package org.polyspan.model;

import java.io.IOException;

/** A model directory that cannot be used as it is: a file is missing or malformed. The message names it. */
public final class ModelFilesException extends IOException {
    public ModelFilesException(String message) {
        super(message);
    }

    public ModelFilesException(String message, Throwable cause) {
        super(message, cause);
    }
}
