"""Lists the most recent trades of one symbol, one JSON object per line (proto field names), oldest first:
    python3 examples/list_trades.py [target] [exchange] [symbol] [limit]
target: the mesh, xds:///data-storage (the default; GRPC_XDS_BOOTSTRAP names the control plane's plaintext ADS port),
or the gateway's REST door, http://127.0.0.1:8080 (MARKETPRISM_TOKEN: a token or API key).
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import grpc  # noqa: E402

import marketprism_client as mp  # noqa: E402
from marketprism_client import rest  # noqa: E402


def list_trades(target, exchange, symbol, limit):
    """The page's trades as proto3 JSON objects, whichever door ``target`` names."""
    if rest.is_gateway(target):
        return rest.list_trades(target, exchange, symbol, limit)["trades"]
    with mp.channel(target) as channel:
        page = mp.storage(channel).ListTrades(
            mp.storage_pb2.ListTradesRequest(exchange=exchange, symbol=symbol, limit=limit), timeout=30)
    return [mp.to_json(trade) for trade in page.trades]


def main(target="xds:///data-storage", exchange="binance", symbol="BTC-USDT", limit="10"):
    for trade in list_trades(target, exchange, symbol, int(limit)):
        print(json.dumps(trade, separators=(",", ":")))


if __name__ == "__main__":
    try:
        main(*sys.argv[1:])
    except grpc.RpcError as e:
        sys.exit(f"list_trades: gRPC {e.code().name} {e.details()}")
    except rest.GatewayError as e:
        sys.exit(f"list_trades: {e}")
