# Shared helpers for the deterministic package-manager stand-ins (busybox sh).
# Sourced by each stand-in, never run. Everything a stand-in writes is derived
# from its arguments, its environment and the files it reads: no randomness,
# no timestamps, no network.

STANDINS_LOG=/var/log/standins.log
STANDIN_HOME=${HOME:-/root}
[ "$STANDIN_HOME" = / ] && STANDIN_HOME=/root

# standin_log NAME ARGS...: record the call in the image log and the build output.
standin_log() {
    mkdir -p /var/log
    printf '%s\n' "$*" >>"$STANDINS_LOG"
    printf '[standin] %s\n' "$*"
}

# die MESSAGE [STATUS]: print MESSAGE on stderr and exit non-zero.
die() {
    printf '%s\n' "$1" >&2
    exit "${2:-1}"
}

# hash_text TEXT: sha256 of TEXT, hex.
hash_text() {
    printf '%s' "$1" | sha256sum | cut -c1-64
}

# hash_files FILE...: one sha256 over the names and contents of FILEs, in order.
hash_files() {
    for f in "$@"; do
        printf '%s  %s\n' "$(sha256sum <"$f" | cut -c1-64)" "$f"
    done | sha256sum | cut -c1-64
}

# fill FILE SIZE SEED: write SIZE deterministic bytes derived from SEED.
fill() {
    mkdir -p "$(dirname "$1")"
    yes "$3" | head -c "$2" >"$1"
}
