# Shared by the shell scripts: repository root, timestamps, and "install if missing".
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
step() { printf '\n\033[1m[%s] %s\033[0m\n' "$(date +%H:%M:%S)" "$*"; }

# npm ci when node_modules is missing or older than the lockfile.
ensure_node_modules() {
  if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
    step "Installing npm dependencies (npm ci)"
    npm ci --no-audit --no-fund
  fi
}

ensure_build() {
  step "Building (tsc)"
  npm run --silent build
}
