# atelier: app image (web + API + workers). No container runtime runs in CI: `node scripts/docker-check.ts`
# runs these very steps (parsed from this file) in a clean directory and starts the result; keep the
# Debian packages in .ci/run's DEBS too.
FROM node:24-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends chromium 7zip unrar-free cksfv ffmpeg fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# every optional dependency is kept: sharp's, Tailwind's and rolldown's native binaries are optional ones
RUN npm ci --no-audit --no-fund
COPY . .
# the web app is built with the dev dependencies (Vite, Tailwind), which are then removed
RUN npm run build:web && npm prune --omit=dev --no-audit --no-fund
ENV NODE_ENV=production PORT=8080 ATELIER_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:8080/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# exec form: node is PID 1 and gets SIGTERM (requests drain, jobs requeue at a checkpoint)
CMD ["node", "bin/atelier.mjs", "serve"]
