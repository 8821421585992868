package org.polyspan.tools;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} command-line options. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    Args(String[] args, List<String> known) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !known.contains(a.substring(2)) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown or incomplete option [" + a + "]; options: --" + String.join(" --", known));
            }
            values.put(a.substring(2), args[++i]);
        }
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String require(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("option --" + name + " is required");
        }
        return v;
    }
}
