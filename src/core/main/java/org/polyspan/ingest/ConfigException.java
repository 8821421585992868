package org.polyspan.ingest;

/**
 * A bad processor option: the option's name and what is wrong with it. Each engine shell turns it into its own
 * configuration error (a 400 whose reason reads {@code [property] message}).
 */
public final class ConfigException extends IllegalArgumentException {
    private final String property;

    public ConfigException(String property, String message) {
        super("[" + property + "] " + message);
        this.property = property;
    }

    public String property() {
        return property;
    }

    /** The message without the {@code [property]} prefix. */
    public String reason() {
        return getMessage().substring(property.length() + 3);
    }
}
