# syntax=docker/dockerfile:1
# mPanel admin SPA, served by nginx with /api proxied to the `api` service
# (deploy/nginx/docker-admin.conf). Build from the repository root:
#   docker build -f deploy/docker/admin.Dockerfile -t mpanel/admin .

ARG NODE_IMAGE=node:20-bookworm-slim
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.27-alpine

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/package.json
COPY apps/admin/package.json apps/admin/package.json
RUN npm ci --no-audit --no-fund --loglevel=error

# The SPA imports the API's zod schemas and enums (the @api/ alias), so it needs the API's sources
# and the generated Prisma enums too.
COPY tsconfig.base.json prisma.config.ts ./
COPY prisma ./prisma
COPY apps/api ./apps/api
RUN if ls node_modules/@prisma/engines 2>/dev/null | grep -q '^schema-engine'; then \
      npx prisma generate; \
    else \
      PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate; \
    fi
COPY apps/admin ./apps/admin
RUN npm run build -w apps/admin && test -f apps/admin/dist/index.html

FROM ${NGINX_IMAGE} AS runtime
# The unprivileged image runs nginx as uid 101 and listens on 8080.
COPY deploy/nginx/docker-admin.conf /etc/nginx/conf.d/default.conf
COPY --from=build /app/apps/admin/dist /usr/share/nginx/html
EXPOSE 8080
