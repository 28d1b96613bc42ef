#!/bin/sh
# Deploys MarketPrism with Envoy to the current kubectl context. The Envoy bootstraps and the mesh policy are made
# into ConfigMaps from the files in mesh/deploy (one copy of each, no drift); the edge's JWT keys come from
# $JWKS (a JWKS JSON file). The image marketprism:latest must be reachable by the cluster (see docker/Dockerfile).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${JWKS:?set JWKS to the JWKS file whose keys sign the tokens the edge gateway accepts}"
kubectl apply -f "$here/namespace.yaml"
kubectl -n marketprism create configmap envoy-bootstrap \
  --from-file=sidecar.yaml="$here/../envoy/sidecar.yaml" \
  --from-file=edge-gateway.yaml="$here/../envoy/edge-gateway.yaml" \
  --from-file=xds-identity.yaml="$here/../envoy/xds-identity.yaml" \
  --dry-run=client -o yaml | kubectl apply -f -
kubectl -n marketprism create configmap mesh-policy \
  --from-file=mesh-policy.yaml="$here/../mesh-policy.yaml" --dry-run=client -o yaml | kubectl apply -f -
kubectl -n marketprism create secret generic edge-jwks \
  --from-file=jwks.json="$JWKS" --dry-run=client -o yaml | kubectl apply -f -
for f in infrastructure mesh-ca control-plane services edge-gateway; do
  kubectl apply -f "$here/$f.yaml"
done
