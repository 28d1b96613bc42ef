package io.marketprism.monitoring.alerts;

import io.marketprism.monitoring.v1.Alert;

/**
 * An alert as monitoring keeps it: the API's view, and whether its firing was notified — which decides whether its
 * resolution is notified too, and lets a restarted monitoring neither repeat nor forget a notification.
 */
public record TrackedAlert(Alert alert, boolean notified) {}
