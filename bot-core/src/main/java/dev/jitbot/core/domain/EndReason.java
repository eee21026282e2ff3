package dev.jitbot.core.domain;

/** Why access ended: these words appear in confirmations ("revoked at 14:35:02 UTC — expired"). */
public enum EndReason {
    EXPIRED("expired"),
    REVOKED("revoked"),
    RELEASED("released early"),
    /** Reconciliation found the assignment gone from Azure (removed outside jitbot, or ended by PIM). */
    VANISHED("no longer in Azure"),
    /** A scheduled request the check at its start refused; nothing was ever granted (the note says why). */
    NOT_STARTED("not started");

    private final String words;

    EndReason(String words) {
        this.words = words;
    }

    public String words() {
        return words;
    }
}
