"""Lists the most recent trades of one symbol, one JSON object per line, oldest first:
    python3 examples/list_trades.py [target] [exchange] [symbol] [limit]
target defaults to the mesh, xds:///data-storage (GRPC_XDS_BOOTSTRAP names the control plane's plaintext ADS port).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402

import marketprism_client as mp  # noqa: E402


def main(target="xds:///data-storage", exchange="binance", symbol="BTC-USDT", limit="10"):
    with mp.channel(target) as channel:
        page = mp.storage(channel).ListTrades(
            mp.storage_pb2.ListTradesRequest(exchange=exchange, symbol=symbol, limit=int(limit)), timeout=10)
    for trade in page.trades:
        print(json_format.MessageToJson(trade, indent=None))


if __name__ == "__main__":
    try:
        main(*sys.argv[1:])
    except grpc.RpcError as e:
        sys.exit(f"list_trades: gRPC {e.code().name} {e.details()}")
