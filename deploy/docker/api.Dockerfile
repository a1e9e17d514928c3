# syntax=docker/dockerfile:1
# mPanel API image. The same image runs the worker (command `node apps/api/dist/src/worker.js`)
# and the one-shot migrations (`node apps/api/dist/src/cli/migrate.js`); see docker-compose.yml.
# Build from the repository root:
#   docker build -f deploy/docker/api.Dockerfile -t mpanel/api .

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first, so the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/package.json
COPY apps/admin/package.json apps/admin/package.json
RUN npm ci --no-audit --no-fund --loglevel=error

COPY tsconfig.base.json prisma.config.ts ./
COPY prisma ./prisma
COPY apps/api ./apps/api
# `prisma generate` does not use the schema engine, but the CLI insists on finding one and would
# download it; point it at a harmless executable only when the real one is absent (offline builds).
RUN if ls node_modules/@prisma/engines 2>/dev/null | grep -q '^schema-engine'; then \
      npx prisma generate; \
    else \
      PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate; \
    fi
RUN npx tsc -p apps/api/tsconfig.build.json \
 && test -f apps/api/dist/src/server.js \
 && test -f apps/api/dist/src/worker.js \
 && test -f apps/api/dist/src/cli/migrate.js
# Runtime dependencies of the API workspace only (no dev tools, nothing of the admin SPA).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/package.json
COPY apps/admin/package.json apps/admin/package.json
RUN npm ci --omit=dev --workspace apps/api --include-workspace-root --no-audit --no-fund --loglevel=error \
 && mkdir -p apps/api/node_modules

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=2271 \
    LOG_FILE=
RUN groupadd --system mpanel && useradd --system --gid mpanel --home-dir /opt/mpanel --shell /usr/sbin/nologin mpanel
WORKDIR /opt/mpanel
# Code stays owned by root: the process can read it, not change it.
COPY --from=build /app/package.json ./package.json
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/apps/api/node_modules ./apps/api/node_modules
COPY --from=build /app/apps/api/package.json ./apps/api/package.json
COPY --from=build /app/apps/api/dist ./apps/api/dist
# The migration runner reads prisma/migrations; the repository root is found by prisma/schema.prisma.
COPY --from=build /app/prisma ./prisma
USER mpanel
EXPOSE 2271
STOPSIGNAL SIGTERM
CMD ["node", "apps/api/dist/src/server.js"]
