"""Streams live trades of one symbol as they are stored, one JSON object per line:
    python3 examples/stream_trades.py [target] [exchange] [symbol] [count]
Stops after count trades (default 0: runs until interrupted).
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import grpc  # noqa: E402

import marketprism_client as mp  # noqa: E402


def main(target="xds:///data-storage", exchange="binance", symbol="BTC-USDT", count="0"):
    wanted, seen = int(count), 0
    with mp.channel(target) as channel:
        responses = mp.storage(channel).FollowEvents(mp.storage_pb2.FollowEventsRequest(
            exchange=exchange, symbol=symbol, data_types=[mp.data_type_pb2.DATA_TYPE_TRADE]))
        for response in responses:
            for event in response.events:
                if event.WhichOneof("event") != "trade":
                    continue
                print(json.dumps(mp.to_json(event.trade), separators=(",", ":")), flush=True)
                seen += 1
                if 0 < wanted <= seen:
                    responses.cancel()
                    return


if __name__ == "__main__":
    try:
        main(*sys.argv[1:])
    except grpc.RpcError as e:
        sys.exit(f"stream_trades: gRPC {e.code().name} {e.details()}")
