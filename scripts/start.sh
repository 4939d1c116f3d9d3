#!/usr/bin/env bash
# Sets up everything the portal needs on this machine and starts it with
# Basalt on the embedded default (SQLite, local runtime): the frontend on
# http://localhost:3000 and the backend on http://localhost:7007.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

ensure_node
ensure_dependencies
ensure_engine_access
# The local runtime runs Debian's engines as an unprivileged user; TechDocs
# pages are built by Debian's mkdocs, in the Material theme (mkdocs' own
# themes fetch highlight.js from the internet).
ensure_apt /usr/lib/postgresql/15/bin/postgres:postgresql \
  redis-server:redis-server mkdocs:mkdocs \
  /usr/share/mkdocs/themes/material:mkdocs-material

step "Starting the portal at http://localhost:3000 (backend on :7007; Ctrl-C stops both)"
cd "$BASALT_ROOT"
exec yarn start
