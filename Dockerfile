# One image for the three services; docker-compose.yml picks the entry point per service.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
COPY scripts scripts
# The build bundles the dashboard's browser code into dist/apps/reporting/web (served by reporting).
RUN npm run build && test -s dist/apps/reporting/web/dashboard.js && npm prune --omit=dev

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
USER node
