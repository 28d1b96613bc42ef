package io.marketprism.monitoring.notify;

/**
 * One notification waiting in the outbox: what to send (Alertmanager's webhook JSON) and where.
 *
 * @param id unique id, the outbox key
 * @param target a webhook URL, or {@code nats:<subject>}
 * @param body the JSON document
 * @param createdNanos when it was queued (ns since the epoch); the outbox delivers each target's notifications in
 *     this order
 */
public record Notification(String id, String target, String body, long createdNanos) {

  static final String NATS_PREFIX = "nats:";

  boolean toNats() {
    return target.startsWith(NATS_PREFIX);
  }
}
