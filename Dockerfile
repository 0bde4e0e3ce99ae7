# atelier: app image (web + API + workers). Not built in CI (no Docker engine there); kept simple.
FROM node:24-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends chromium 7zip unrar-free cksfv fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=optional --no-audit --no-fund
COPY . .
RUN npm run build:web
ENV NODE_ENV=production PORT=8080 ATELIER_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:8080/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "src/cli.ts", "serve"]
