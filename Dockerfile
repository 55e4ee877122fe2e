# One image for both processes: `pnpm start:bot` (the default) and `pnpm start:worker`.
# The code runs as TypeScript through tsx, so there is no compile step: the build stage only
# generates the Prisma client, and the image gets the sources plus production dependencies.

# An exact tag, so a rebuild months later runs the same Node.js.
FROM node:20.20.2-bookworm-slim AS base
RUN npm install -g pnpm@12.4.2 && npm cache clean --force
WORKDIR /app

# Every dependency, dev tools included: `pnpm install` runs the postinstall script
# (scripts/db-generate.ts), which needs the prisma CLI to write packages/db/src/generated.
FROM base AS build
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
# Downloads from the lockfile alone, so this layer stays cached until the lockfile changes.
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline

# Production dependencies only. Install scripts are skipped: the client comes from the build
# stage, and the postinstall script would need the prisma CLI, a dev dependency.
FROM base AS production-dependencies
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch --prod
COPY . .
RUN pnpm install --prod --frozen-lockfile --offline --ignore-scripts

FROM base AS runtime
ENV NODE_ENV=production
COPY --from=production-dependencies /app ./
COPY --from=build /app/packages/db/src/generated ./packages/db/src/generated
# The code stays root-owned and read-only to the process; only the embedded database's
# directory (used when DATABASE_URL is unset) is the process's to write.
RUN mkdir -p data && chown node:node data
USER node
EXPOSE 3000
# node:*-slim has no curl. Both processes serve /health on HTTP_PORT: 200 when Redis and the
# database answer, 503 otherwise. The start period covers the migrations run at start-up.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["pnpm", "start:bot"]
