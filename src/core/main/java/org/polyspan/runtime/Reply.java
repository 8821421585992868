package org.polyspan.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An engine-neutral REST answer: an HTTP status and either a JSON object (as nested maps and lists) or plain text.
 * Each engine shell writes it with its own response and content builder types.
 */
public record Reply(int status, Map<String, Object> json, String text, String contentType) {
    public static final String TEXT_PLAIN = "text/plain; charset=UTF-8";

    public static Reply json(int status, Map<String, Object> body) {
        return new Reply(status, body, null, null);
    }

    public static Reply text(int status, String text) {
        return new Reply(status, null, text, TEXT_PLAIN);
    }

    /** {@code {"error": {"reason": message, "field": field}, "status": status}}; {@code field} may be null. */
    public static Reply error(int status, String field, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("reason", message);
        if (field != null) {
            error.put("field", field);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("status", status);
        return json(status, body);
    }

    public boolean isText() {
        return text != null;
    }
}
