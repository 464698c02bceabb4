# personio-kafka: a small, non-root image of the producer (and of the simulator, for demos).
#   docker build -t personio-kafka .
#   docker run --rm personio-kafka --help
# The base is pinned to the Node.js release CI tests on (.ci/run `lts=`, scripts/node-runtime.sh),
# so a rebuild never moves to another Node by itself; raise both together. Not pinned by digest:
# where this is developed there is no Docker engine and no registry access to read one, and a digest
# copied from elsewhere could not be checked here. To pin it for production:
#   docker buildx imagetools inspect node:24.21.0-slim   → FROM node:24.21.0-slim@sha256:<digest>
# Build stage: compile TypeScript, then drop dev dependencies.
FROM node:24.21.0-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts

# Runtime stage: compiled JavaScript, production dependencies, the Avro contract; runs as `node`.
FROM node:24.21.0-slim
ENV NODE_ENV=production
# V8 sizes its young generation from the host's memory (128 MB on a 23 GB host), not from what is
# live; 8 MB semi-spaces cost nothing measurable here (docs/benchmarks.md, issue #27). The old
# space is the deployment's to cap, like a JVM's -Xmx, by company size: README, "Memory".
ENV NODE_OPTIONS=--max-semi-space-size=8
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY schemas ./schemas
USER node
# The ops endpoint (/metrics, /healthz, /readyz; METRICS_PORT). Healthy means ready: the state is
# restored, the brokers and the registry answer. The slim image has no curl; Node's own fetch asks.
EXPOSE 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.METRICS_PORT || 9464) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/personio-kafka.js"]
CMD ["run"]
