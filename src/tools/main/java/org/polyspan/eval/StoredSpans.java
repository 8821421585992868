package org.polyspan.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.polyspan.labeling.Document;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Spans as the node stores them ({@code span_labeling}, {@code _project/index}), read back as tags over gold tokens. */
public final class StoredSpans {
    private StoredSpans() {}

    /**
     * IOB2 tags over {@code tokens} from spans with character offsets into the tokens joined by single spaces
     * ({@link Document#ofTokens}); a token is tagged when it lies wholly inside a span. {@code spans} may be null (no span).
     */
    public static List<String> tags(List<String> tokens, Iterable<? extends JsonElement> spans) {
        Document doc = Document.ofTokens(tokens);
        List<String> tags = new ArrayList<>(Collections.nCopies(tokens.size(), "O"));
        if (spans == null) {
            return tags;
        }
        for (JsonElement e : spans) {
            JsonObject s = e.getAsJsonObject();
            int start = s.get("start").getAsInt();
            int end = s.get("end").getAsInt();
            boolean first = true;
            for (int k = 0; k < doc.words().size(); k++) {
                if (doc.words().get(k).start() >= start && doc.words().get(k).end() <= end) {
                    tags.set(k, (first ? "B-" : "I-") + s.get("label").getAsString());
                    first = false;
                }
            }
        }
        return tags;
    }
}
