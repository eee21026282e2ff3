package dev.jitbot.core.domain;

/** How broad an Azure scope is, from the widest to the narrowest. */
public enum ScopeKind {
    MANAGEMENT_GROUP, SUBSCRIPTION, RESOURCE_GROUP, RESOURCE
}
