package io.marketprism.config.domain;

/** The labels a calling instance names itself with, for gray releases; empty strings for labels it does not give. */
public record Instance(String service, String version, String zone, String instanceId) {}
