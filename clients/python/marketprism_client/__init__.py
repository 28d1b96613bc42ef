"""MarketPrism's gRPC services from Python (Debian's python3-grpcio). Messages and stubs are generated from proto/
on first import (see stubs.py). A target is either ``xds:///<service>`` — the mesh: endpoints, policy and mTLS from
the control plane, per the xDS bootstrap in GRPC_XDS_BOOTSTRAP — or ``host:port``, plaintext or with mTLS files.
``rest`` is the gateway's REST door for programs outside the mesh."""

import sys
from pathlib import Path

import grpc
import grpc.experimental
from google.protobuf import json_format

from . import stubs

sys.path.insert(0, str(stubs.generate()))

from marketprism.config.v1 import config_service_pb2 as config_pb2  # noqa: E402
from marketprism.config.v1 import config_service_pb2_grpc as config_grpc  # noqa: E402
from marketprism.marketdata.v1 import data_type_pb2, market_data_pb2  # noqa: E402
from marketprism.storage.v1 import storage_service_pb2 as storage_pb2  # noqa: E402
from marketprism.storage.v1 import storage_service_pb2_grpc as storage_grpc  # noqa: E402

__all__ = ["channel", "storage", "config", "to_json", "storage_pb2", "config_pb2", "market_data_pb2", "data_type_pb2"]


def channel(target, tls_dir=None):
    """A channel to ``target``. ``xds:///...``: the control plane's policy decides the security (mTLS through the
    bootstrap's file_watcher certificates); the insecure fallback applies only where it sends none. Otherwise
    ``tls_dir`` (cert.pem, key.pem, ca.pem, e.g. from ``./marketprism pki issue``) gives mTLS, else plaintext."""
    if target.startswith("xds:"):
        return grpc.secure_channel(target, grpc.xds_channel_credentials(_insecure()))
    if tls_dir is not None:
        d = Path(tls_dir)
        return grpc.secure_channel(target, grpc.ssl_channel_credentials(
            root_certificates=(d / "ca.pem").read_bytes(),
            private_key=(d / "key.pem").read_bytes(),
            certificate_chain=(d / "cert.pem").read_bytes()))
    return grpc.insecure_channel(target)


def _insecure():
    # the fallback of xds_channel_credentials: used only if the control plane asks for no TLS at all
    return grpc.experimental.insecure_channel_credentials()


def storage(ch):
    return storage_grpc.StorageServiceStub(ch)


def config(ch):
    return config_grpc.ConfigServiceStub(ch)


def to_json(message):
    """A message as its proto3 JSON object with the proto field names, as the gateway's REST answers it."""
    return json_format.MessageToDict(message, preserving_proto_field_name=True)
