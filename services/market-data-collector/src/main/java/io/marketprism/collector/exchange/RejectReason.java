package io.marketprism.collector.exchange;

/** Why a frame (or part of one) could not be normalized. Rejects are counted per exchange and reason. */
public enum RejectReason {
  /** Not JSON, or JSON cut short. */
  MALFORMED_JSON,
  /** A field the message needs is absent or null. */
  MISSING_FIELD,
  /** A price, size or rate that is not a plain decimal. */
  BAD_DECIMAL,
  /** A time or sequence number that is not an integer in range. */
  BAD_NUMBER,
  /** A channel or event type this collector does not normalize. */
  UNKNOWN_CHANNEL,
  /** An instrument whose name cannot be mapped to a normalized symbol. */
  UNKNOWN_SYMBOL,
  /** Valid JSON of a shape the exchange does not send on a data channel. */
  UNEXPECTED_FRAME,
  /** The exchange answered with an error (OKX {"event":"error"}, Deribit JSON-RPC error, Binance {"code":..}). */
  EXCHANGE_ERROR
}
