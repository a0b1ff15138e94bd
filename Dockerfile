# probe-wake worker image: build with dev dependencies, run as non-root with production ones.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm install, not npm ci: the lockfile pins versions but lists only the optional binaries of the platform it was made on.
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle-workflows.mjs ./scripts/
COPY src ./src
# `npm run build` compiles to lib/ and prebuilds lib/workflow-bundle.js (no webpack at start-up).
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PROBE_WAKE_METRICS_ADDRESS=0.0.0.0:9464 \
    PROBE_WAKE_SHUTDOWN_GRACE_SEC=30
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/lib ./lib
# The versioned investigation prompt, read once at start-up.
COPY --chown=node:node prompts ./prompts
USER node
EXPOSE 9464
# Healthy while the worker's Prometheus endpoint answers (node built-ins only: the image has no curl/wget).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "lib/healthcheck.js"]
# Connects through TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE / TEMPORAL_API_KEY / TEMPORAL_TLS_*; never starts a dev server.
# On SIGTERM it drains running activities for PROBE_WAKE_SHUTDOWN_GRACE_SEC: give `docker stop -t` more than that.
STOPSIGNAL SIGTERM
# Memory tuning, as src/runtime/workerProcessTuning.ts (V8 heap limits, fewer malloc arenas).
ENV MALLOC_ARENA_MAX=2
CMD ["node", "--max-semi-space-size=2", "--max-old-space-size=384", "lib/worker.js"]
