# personio-kafka: a small, non-root image of the producer (and of the simulator, for demos).
#   docker build -t personio-kafka .
#   docker run --rm personio-kafka --help
# Build stage: compile TypeScript, then drop dev dependencies.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts

# Runtime stage: compiled JavaScript, production dependencies, the Avro contract; runs as `node`.
FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY schemas ./schemas
USER node
# The ops endpoint (/metrics, /healthz, /readyz; METRICS_PORT). Healthy means ready: the state is
# restored, the brokers and the registry answer. node:24-slim has no curl; Node's own fetch asks.
EXPOSE 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.METRICS_PORT || 9464) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/personio-kafka.js"]
CMD ["run"]
