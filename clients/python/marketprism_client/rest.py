"""The gateway's REST/JSON door (services/api-gateway), for programs outside the mesh: the same contracts mapped by
their google.api.http options, answered as proto3 JSON with the proto field names (exchange_time_ns, ...). Standard
library only. Credentials: MARKETPRISM_TOKEN, a JWT (``./marketprism token --role reader``) or an API key; the gateway
takes both as a bearer token."""

import json
import os
import urllib.error
import urllib.parse
import urllib.request


class GatewayError(Exception):
    """A non-2xx answer; ``status`` is the google.rpc.Status the gateway sent (or {} if it sent none)."""

    def __init__(self, http_status, status):
        super().__init__(f"HTTP {http_status} {status.get('message', '')}".strip())
        self.http_status = http_status
        self.status = status


def is_gateway(target):
    """True when ``target`` names the gateway (http:// or https://) rather than a gRPC target."""
    return target.startswith(("http://", "https://"))


def get(base_url, path, query=None, timeout=30):
    """GET ``path`` with ``query`` from the gateway at ``base_url``; the decoded JSON body."""
    url = urllib.parse.urljoin(base_url, path)
    if query:
        url += "?" + urllib.parse.urlencode(query)
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    token = os.environ.get("MARKETPRISM_TOKEN")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)
    except urllib.error.HTTPError as e:
        try:
            status = json.load(e)
        except ValueError:
            status = {}
        raise GatewayError(e.code, status) from None


def list_trades(base_url, exchange, symbol, limit):
    """StorageService/ListTrades over REST: ``{"trades": [...], "next_page_token": ...}``."""
    path = f"/v1/trades/{urllib.parse.quote(exchange, safe='')}/{urllib.parse.quote(symbol, safe='')}"
    return get(base_url, path, {"limit": limit})
