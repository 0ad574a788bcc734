# Build stage: compile TypeScript with the dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build && npm prune --omit=dev

# Run stage: production dependencies and the compiled app only.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 3000
# Migrations run at start (under an advisory lock, so several replicas can start together).
# The V8 flag is the one of `npm run start:prod` (see "Memory and the young generation" in the README).
CMD ["node", "--max-semi-space-size=64", "dist/src/main.js"]
