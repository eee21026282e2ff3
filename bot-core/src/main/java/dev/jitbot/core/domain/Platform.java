package dev.jitbot.core.domain;

/** Where an action came from. */
public enum Platform {
    SLACK, TEAMS, CONSOLE, CLI, API, SYSTEM;

    /** Lower-case name as it appears in audit records and policy keys. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
