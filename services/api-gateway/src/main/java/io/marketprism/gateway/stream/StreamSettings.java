package io.marketprism.gateway.stream;

import java.time.Duration;

/** How live streams run: the per-client buffer (messages), the heartbeat interval, and where outcomes are counted. */
record StreamSettings(int buffer, Duration heartbeat, StreamMetrics metrics) {}
