# lorabench in a container: built on the official Swift image, run from Debian slim with Debian's libcurl, as a
# non-root user. `docker build -t lorabench:0.1.0 .` from the repository root; deploy/kubernetes runs it.

# Build: the release binary, with the Swift runtime and Foundation linked in statically so the runtime image
# needs only libcurl. Package.resolved is not kept in git: dependencies resolve at build time.
FROM swift:6.0-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libcurl4-openssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
RUN swift build -c release --product lorabench --static-swift-stdlib \
 && install -D -m 0755 "$(swift build -c release --show-bin-path)/lorabench" /out/lorabench

# Run: libcurl and CA certificates from Debian, curl for the merge Job's push, the binary and the scenarios.
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libcurl4 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 lorabench \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /results --shell /usr/sbin/nologin lorabench \
 && install -d -o 10001 -g 10001 -m 0750 /results
COPY --from=build /out/lorabench /usr/local/bin/lorabench
COPY scenarios /opt/lorabench/scenarios
USER 10001:10001
WORKDIR /results
ENTRYPOINT ["lorabench"]
CMD ["--help"]
