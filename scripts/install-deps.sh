#!/usr/bin/env bash
# Installs everything a fresh Debian 12 (bookworm) needs to build and test nativejmx.
# Idempotent: when all is present it only runs dpkg-query and exits (well under a second);
# apt-get update runs only when something is missing or the deb-src entry was just added.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive  # no TTY: never prompt (tzdata, services, ...)

PACKAGES=(
  g++ cmake make pkg-config
  dpkg-dev                       # apt-get source / dpkg-source for the bundled re2, yaml-cpp, zlib
  openjdk-17-jdk-headless        # JNI headers, javac for the java-shim, JVM tests
  libboost-dev                   # 1.74: header-only Beast/Asio
  libre2-dev libpcre2-dev libyaml-cpp-dev zlib1g-dev libssl-dev
  perl python3-six unicode-data  # regenerate the tables Debian's re2 source tarball omits
  googletest libgtest-dev
  curl python3 python3-pytest    # e2e tests
  openssl                        # client certificates for the TLS tests (keytool makes the key stores)
  binutils                       # nm/objdump/readelf for tests/build/check_so.sh
  prometheus                     # promtool checks the exposition; e2e tests scrape with it
  tomcat10 zookeeper activemq jetty9  # e2e: the servers the rules/ are tested on
  gradle junit4                  # e2e: gradle/ plugin and sample, built offline (Gradle 4.4.1)
  python3-yaml                   # e2e: Kubernetes manifests in docker/k8s/
  iproute2                       # e2e: `ip` brings up lo in the docker/ test's network namespace
  clang libclang-rt-14-dev       # fuzzing: the compiler, and libFuzzer/ASan/UBSan (only recommended by clang)
  xz-utils                       # Debian source tarballs
)
BIN_SOURCES=/etc/apt/sources.list.d/debian.sources
SRC_SOURCES=/etc/apt/sources.list.d/nativejmx-src.sources

as_root() { if (( EUID == 0 )); then "$@"; else sudo "$@"; fi; }
# Wait for another apt/dpkg run (shared machines) instead of failing on the lock.
APT=(apt-get -o DPkg::Lock::Timeout=600)

need_update=0

# cmake/Dependencies.cmake builds re2, yaml-cpp and zlib from Debian's own source packages
# (Debian's .a are not PIC), so apt needs a deb-src entry on the same mirrors and suites.
if [[ ! -e $SRC_SOURCES ]] && ! grep -qs '^Types:.*deb-src' "$BIN_SOURCES"; then
  [[ -r $BIN_SOURCES ]] || { echo "error: $BIN_SOURCES not found (not a Debian 12 deb822 setup?)" >&2; exit 1; }
  echo "adding deb-src entry $SRC_SOURCES (from $BIN_SOURCES)"
  sed 's/^Types:.*/Types: deb-src/' "$BIN_SOURCES" | as_root tee "$SRC_SOURCES" >/dev/null
  need_update=1
fi
# The entry may exist without its index ever having been fetched.
if ! compgen -G '/var/lib/apt/lists/*_source_Sources*' >/dev/null; then
  need_update=1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$pkg")
done
(( ${#missing[@]} == 0 )) || need_update=1

if (( need_update )); then
  echo "running apt-get update"
  as_root "${APT[@]}" update -qq
fi
if (( ${#missing[@]} )); then
  echo "installing ${missing[*]}"
  # No recommends: keeps a fresh machine lean (prometheus would pull node-exporter, etc.).
  as_root "${APT[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The e2e tests start their own servers on free ports; the packages' services are not wanted.
  if [[ -d /run/systemd/system ]]; then
    for unit in tomcat10 jetty9; do
      if [[ " ${missing[*]} " == *" $unit "* ]]; then as_root systemctl disable --now "$unit" || true; fi
    done
  fi
fi
echo "ok: ${#PACKAGES[@]} packages present, deb-src configured"
