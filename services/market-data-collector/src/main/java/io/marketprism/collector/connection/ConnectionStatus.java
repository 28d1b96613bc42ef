package io.marketprism.collector.connection;

import java.time.Instant;

/**
 * A point-in-time view of one feed connection, for the collector's feed status API.
 *
 * @param exchange lower-case exchange name
 * @param connected whether a WebSocket is open now
 * @param connectedSince when the current WebSocket opened; null while disconnected
 * @param lastMessageTime when the last frame arrived; null before the first
 * @param reconnects connections lost (or proactively replaced) since start
 * @param frames frames handled
 * @param rejects frames rejected
 * @param bookFaults sequence gaps, checksum mismatches and stale snapshots
 * @param snapshotRequests book re-syncs requested (first snapshots included)
 * @param requestWaits times subscribe/unsubscribe requests had to wait for the exchange's request limit
 */
public record ConnectionStatus(
    String exchange,
    boolean connected,
    Instant connectedSince,
    Instant lastMessageTime,
    long reconnects,
    long frames,
    long rejects,
    long bookFaults,
    long snapshotRequests,
    long requestWaits) {}
