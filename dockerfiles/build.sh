#!/usr/bin/env bash
# Builds the rsd image from dockerfiles/Dockerfile, the repository root as context.
#   dockerfiles/build.sh [EXTRA BUILD ARGS...]     IMAGE=rsd:latest  DOCKER=docker (or podman)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
exec "${DOCKER:-docker}" build -f "$repo/dockerfiles/Dockerfile" -t "${IMAGE:-rsd:latest}" "$@" "$repo"
