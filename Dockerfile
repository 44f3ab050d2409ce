# batchwatch in a container. Build:  docker build -t batchwatch .
# Run:  docker run --rm -v /etc/batchwatch/config.yml:/etc/batchwatch/config.yml:ro \
#         -v batchwatch-state:/var/lib/batchwatch --env-file /etc/batchwatch/env batchwatch
# scripts/check-dockerfile verifies this file without a Docker engine (see docs/operations.md).

# ---- build: the same toolchain as development, pinned to an exact release ----
FROM swift:6.3.1-bookworm AS build
WORKDIR /build
# Dependencies first, as their own layer: it is rebuilt only when the manifest changes.
COPY Package.* ./
RUN swift package resolve $([ -f Package.resolved ] && echo --force-resolved-versions)
COPY . .
# Swift's runtime and Foundation are linked in; libcurl and libxml2 stay shared (see below).
RUN swift build -c release --static-swift-stdlib --product batchwatch \
    && install -D "$(swift build -c release --show-bin-path)/batchwatch" /staging/batchwatch

# ---- runtime: the same Debian release as the build image, pinned to a point release ----
FROM debian:12.11-slim
# Exactly what the binary needs beyond the base image: FoundationNetworking's libcurl,
# FoundationXML's libxml2, time zone data for schedules, and CA roots for HTTPS.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libcurl4 libxml2 tzdata ca-certificates \
    && rm -rf /var/lib/apt/lists/*
# A fixed numeric id, so Kubernetes' runAsNonRoot can verify it.
RUN groupadd --system --gid 10001 batchwatch \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/batchwatch --shell /usr/sbin/nologin batchwatch \
    && install -d -o 10001 -g 10001 -m 700 /var/lib/batchwatch \
    && install -d -m 755 /etc/batchwatch
COPY --from=build /staging/batchwatch /usr/local/bin/batchwatch

# Mount the config here (read-only); secrets come as environment variables.
ENV BATCHWATCH_CONFIG=/etc/batchwatch/config.yml
# State and spool: $XDG_STATE_HOME/batchwatch = /var/lib/batchwatch, a volume so that a
# window's digest is delivered once across runs (or set state_dir in the config).
ENV XDG_STATE_HOME=/var/lib
VOLUME ["/var/lib/batchwatch"]
WORKDIR /var/lib/batchwatch
USER 10001:10001
ENTRYPOINT ["batchwatch"]
CMD ["check"]
