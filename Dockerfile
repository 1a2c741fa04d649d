# syntax=docker/dockerfile:1
#
# Burkol MES image. Build: `docker build -t burkol-mes .`
# Run against PostgreSQL (see compose.yaml):
#   docker run -p 3000:3000 -e DATABASE_URL=postgres://… burkol-mes
# Without DATABASE_URL it uses the embedded PGlite engine in /app/data (mount a volume there).
# CLI inside the container: `node dist/cli/migrate.js status`, `node dist/cli/doctor.js`,
# `node dist/cli/migrate.js down --to VERSION`, `node dist/cli/seed.js --minimal`.

# ---- toolchain: argon2 (password hashing) compiles its addon on install ------
# Its prebuilt linux-x64 binary (0.45.1) crashed on load under Node 20 on
# Debian 12 (segmentation fault), so node-gyp-build compiles it, which needs
# python3, make and g++ (not in node:20-slim). The runtime stage needs none.
FROM node:20-slim AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

# ---- build: compile the server (dist/) and the web UI (web/dist/) ----------
FROM toolchain AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- production dependencies only ------------------------------------------
FROM toolchain AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime ------------------------------------------------------------------
FROM node:20-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    MES_DATA_DIR=/app/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY package.json ./
# the embedded database (when DATABASE_URL is unset) is the only thing the process writes
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 3000
# liveness; a balancer should route by /readyz (503 while draining on SIGTERM)
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node directly (not npm) so SIGTERM reaches the server and it drains gracefully
CMD ["node", "dist/src/server.js"]
