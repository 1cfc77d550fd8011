# crm-bulk-emulator container image.
#
#   docker build -t crm-bulk-emulator .
#   docker run --rm -p 4010:4010 crm-bulk-emulator
#   (published by .github/workflows/release.yml on each tag v*: ghcr.io/crm-bulk-emulator/crm-bulk-emulator)
#   docker run --rm -p 4010:4010 -v crm-data:/data -e DB=/data/emulator.db crm-bulk-emulator   # persistent state
#
# Config by env: PORT (4010), HOST (0.0.0.0 here; npm start's own default is 127.0.0.1), DB (:memory:; a path under /data persists),
# SEED (bundled seed/default.json), LOG_LEVEL, AUTH, ALLOWED_HOSTS (names other containers use for the control API,
# e.g. a compose service name; localhost and the container's own name and addresses are always allowed).
#
# BASE_IMAGE must be a Debian-based image with node and npm on PATH (it is used by both stages).
# The default is the current Node LTS slim image; test/docker/smoke.sh passes a locally built
# stand-in (debootstrap + the host's Node) where no registry can be reached.
# Works with the legacy builder (DOCKER_BUILDKIT=0) and with BuildKit.
ARG BASE_IMAGE=node:22-bookworm-slim

# ---------------------------------------------------------------- build stage
FROM ${BASE_IMAGE} AS build
WORKDIR /app

# Toolchain for node-gyp, in case no prebuilt better-sqlite3 binary fits the Node/libc in use.
# Skipped when the base already has it.
RUN if ! command -v python3 >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1 \
        || ! command -v g++ >/dev/null 2>&1; then \
      apt-get update \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
      && rm -rf /var/lib/apt/lists/*; \
    fi

# Dependencies first, so that a source-only change reuses this (slow: native compile) layer.
# --ignore-scripts keeps `prepare` (tsc) from running before the sources are copied;
# `npm rebuild` then runs the dependencies' own install scripts (better-sqlite3's native build).
# npm_config_nodedir: a base that ships Node's headers in /usr/include/node (the local stand-in)
# compiles against them offline; official images download prebuilt binaries/headers as usual.
ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
COPY package.json package-lock.json ./
RUN if [ -d /usr/include/node ]; then export npm_config_nodedir=/usr; fi \
    && npm ci --ignore-scripts \
    && npm rebuild

# Sources (.dockerignore lets only what the build needs through), compile, drop dev dependencies.
COPY . .
# Of better-sqlite3's native build only the addon itself is needed at run time (saves ~25 MB of
# objects, static library and C sources).
RUN npm run build \
    && npm prune --omit=dev \
    && b=node_modules/better-sqlite3 \
    && if [ -f "$b/build/Release/better_sqlite3.node" ]; then \
         mv "$b/build/Release/better_sqlite3.node" /tmp/ \
         && rm -rf "$b/build" "$b/deps" "$b/src" \
         && mkdir -p "$b/build/Release" \
         && mv /tmp/better_sqlite3.node "$b/build/Release/"; \
       fi

# -------------------------------------------------------------- runtime stage
FROM ${BASE_IMAGE} AS runtime
WORKDIR /app

# Non-root user: official node images have `node` (1000:1000); create it where the base has none.
RUN if ! id -u node >/dev/null 2>&1; then \
      groupadd --system --gid 1000 node \
      && useradd --system --uid 1000 --gid node --home-dir /home/node --create-home \
                 --shell /usr/sbin/nologin node; \
    fi \
    && mkdir -p /data \
    && chown node:node /data

# HOST: a container is reached through its published port, so listen on every interface (npm start
# outside Docker stays on 127.0.0.1). Publish it as -p 127.0.0.1:4010:4010 to keep it on this machine.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4010

# Application files stay root-owned (read-only for the service user); state goes to /data.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/seed ./seed
COPY --from=build /app/schemas ./schemas
# The dashboard's page, script and styles, served as they are (GET /_mock/ui).
COPY --from=build /app/src/ui ./src/ui

VOLUME /data
USER node
EXPOSE 4010

# No curl in slim images: probe with node itself, on whatever PORT the container was given.
# While starting (--start-period) it probes every 200 ms, so the container is healthy well within 2 s of
# listening; then every 5 s. --start-interval needs Docker Engine 25+ (API 1.44); test/docker/smoke.sh
# drops it for older engines, which reject the flag.
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --start-interval=200ms --retries=3 \
  CMD ["node", "-e", "const p=process.env.PORT||4010;require('http').get({host:'127.0.0.1',port:p,path:'/_mock/health',timeout:2500},r=>process.exit(r.statusCode===200?0:1)).on('timeout',()=>process.exit(1)).on('error',()=>process.exit(1))"]

CMD ["node", "dist/server.mjs"]
