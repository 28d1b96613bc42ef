// Errors in words a user understands, from the gateway's JSON google.rpc.Status (docs/gateway.md, "Errors").

export class ApiError extends Error {
  constructor(status, code, message, what) {
    super(describe(status, message, what));
    this.status = status; // HTTP status, 0 when the gateway could not be reached
    this.code = code; // gRPC code number, when the gateway sent one
    this.detail = message;
  }

  /** The service does not implement this yet (UNIMPLEMENTED / 501). */
  get unavailableYet() {
    return this.status === 501 || this.code === 12;
  }
}

function describe(status, message, what) {
  const subject = what ? `${what}: ` : '';
  switch (status) {
    case 0: return `${subject}the gateway cannot be reached (${message}). Is MarketPrism running?`;
    case 400: return `${subject}the request was refused as invalid — ${message}`;
    case 401: return `${subject}your token was not accepted (${message}). Log in again with a fresh token.`;
    case 403: return `${subject}your role may not do this — ${message}`;
    case 404: return `${subject}not found — ${message}`;
    case 429: return `${subject}too many requests right now; the console will try again shortly.`;
    case 501: return `${subject}not available on this system yet (the service answers UNIMPLEMENTED).`;
    case 503: return `${subject}the service is unavailable right now — ${message}`;
    case 504: return `${subject}the service took too long to answer.`;
    default: return `${subject}the gateway answered ${status} — ${message}`;
  }
}

/** An ApiError from a non-2xx response, reading its google.rpc.Status body when there is one. */
export async function fromResponse(response, what) {
  let code;
  let message = response.statusText || `HTTP ${response.status}`;
  try {
    const status = await response.json();
    if (status && typeof status.message === 'string') {
      message = status.message;
      code = status.code;
    }
  } catch (e) {
    // not JSON: keep the HTTP status text
  }
  return new ApiError(response.status, code, message, what);
}

/** The HTTP status the gateway maps a gRPC code to, for errors that arrive inside a stream. */
const HTTP_OF_CODE = { 3: 400, 5: 404, 7: 403, 8: 429, 12: 501, 14: 503, 16: 401, 4: 504 };

export function fromStatus(status, what) {
  return new ApiError(HTTP_OF_CODE[status.code] || 500, status.code, status.message || 'stream failed', what);
}
