"""Puts a config value and watches it come back:
    python3 examples/config_put_watch.py [target] [environment] [namespace] [key] [value]
Starts a Watch on the key, puts the value, prints the watched PUT event as JSON and exits. Exits 12 (the gRPC code)
if the config center answers UNIMPLEMENTED.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import grpc  # noqa: E402

import marketprism_client as mp  # noqa: E402


def main(target="xds:///config-center", environment="dev", namespace="examples", key="greeting", value="hello"):
    with mp.channel(target) as channel:
        config = mp.config(channel)
        watch = config.Watch(mp.config_pb2.WatchRequest(environment=environment, namespace=namespace,
                                                        key_prefix=key), timeout=30)
        put = config.Put(mp.config_pb2.PutRequest(environment=environment, namespace=namespace, key=key,
                                                  value=value), timeout=30)
        print(f'{{"put": {{"version": "{put.version}"}}}}', flush=True)
        for response in watch:
            for event in response.events:
                if (event.type == mp.config_pb2.EVENT_TYPE_PUT and event.entry.key == key
                        and event.entry.value == value):
                    print(json.dumps({"watched": mp.to_json(event)}), flush=True)
                    watch.cancel()
                    return


if __name__ == "__main__":
    try:
        main(*sys.argv[1:])
    except grpc.RpcError as e:
        print(f"config_put_watch: gRPC {e.code().name} {e.details()}", file=sys.stderr)
        sys.exit(12 if e.code() == grpc.StatusCode.UNIMPLEMENTED else 1)
