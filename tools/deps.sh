#!/bin/sh
# deps.sh SET... - make sure the Debian packages Hotline needs are there.
#
# SET is build (libraries), check (test tools), browser (the console's
# browser tests: chromium, Node.js, npm and node_modules), fuzz (clang)
# or demo.  Missing packages are installed when run as root; otherwise
# the exact apt-get line is printed and the script fails.  Prints
# nothing when all is present, and only ever to stderr.
set -u

need=""
npm_ci=""
add() { need="$need $1"; }

has_deb() { dpkg-query -W -f '${Status}' "$1" 2>/dev/null | grep -q ' installed$'; }
has_pc() { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$1"; }

for set in "$@"; do
	case $set in
	build)
		command -v pkg-config >/dev/null 2>&1 || add pkg-config
		command -v cc >/dev/null 2>&1 || add gcc
		has_pc libsodium || add libsodium-dev
		has_pc sqlite3 || add libsqlite3-dev
		has_pc libpq || add libpq-dev
		has_pc jansson || add libjansson-dev
		has_pc libmicrohttpd || add libmicrohttpd-dev
		has_pc libcurl || add libcurl4-gnutls-dev
		has_pc gnutls || add libgnutls28-dev
		has_pc liboath || add liboath-dev
		has_pc libpq || add libpq-dev
		command -v msgfmt >/dev/null 2>&1 || add gettext
		;;
	check)
		has_pc cmocka || add libcmocka-dev
		command -v prove >/dev/null 2>&1 || add perl
		command -v curl >/dev/null 2>&1 || add curl
		command -v python3 >/dev/null 2>&1 || add python3
		command -v faketime >/dev/null 2>&1 || add faketime
		command -v sqlite3 >/dev/null 2>&1 || add sqlite3
		command -v groff >/dev/null 2>&1 || add groff-base
		command -v oathtool >/dev/null 2>&1 || add oathtool
		# the server of the tests' throw-away cluster (tools/pgtest.sh)
		ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || add postgresql
		[ -f /usr/share/javascript/d3/d3.min.js ] && [ -f /usr/share/javascript/chart.js/chart.min.js ] || add "libjs-chart.js libjs-d3"
		;;
	browser)
		# Debian's chromium, which playwright-core drives: no browser is
		# ever downloaded.  Node.js may come from elsewhere with its own
		# npm (a Debian npm would conflict with it): each only if missing.
		command -v chromium >/dev/null 2>&1 || add chromium
		command -v node >/dev/null 2>&1 || add nodejs
		command -v npm >/dev/null 2>&1 || add npm
		# Fonts for the Arabic and Chinese pages in the screenshots.
		has_deb fonts-noto-core || add fonts-noto-core
		has_deb fonts-noto-cjk || add fonts-noto-cjk
		npm_ci=1
		;;
	fuzz)
		command -v clang >/dev/null 2>&1 || add clang
		ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a \
			>/dev/null 2>&1 || add libclang-rt-14-dev
		;;
	demo)
		# the demo reads the TAXII feed as a tool would
		command -v curl >/dev/null 2>&1 || add curl
		;;
	*) echo "deps.sh: unknown set '$set'" >&2; exit 2 ;;
	esac
done

# node_modules: what package-lock.json says (playwright-core, axe-core),
# installed again when missing or older than the lock file.
npm_deps() {
	[ -n "$npm_ci" ] || return 0
	cd "$(dirname "$0")/.." || exit 1
	[ -e node_modules/.package-lock.json ] &&
		! [ package-lock.json -nt node_modules/.package-lock.json ] && return 0
	echo "deps.sh: npm ci (node_modules from package-lock.json)" >&2
	npm ci --no-audit --no-fund >&2 || { echo "deps.sh: npm ci failed" >&2; exit 1; }
}

[ -z "$need" ] && { npm_deps; exit 0; }
if [ "$(id -u)" -ne 0 ]; then
	echo "Hotline needs these Debian packages; install them with:" >&2
	echo "  sudo apt-get install$need" >&2
	exit 1
fi
echo "deps.sh: installing$need" >&2
export DEBIAN_FRONTEND=noninteractive
{ apt-get update -qq && apt-get install -y -qq --no-install-recommends $need; } >&2 ||
	{ echo "deps.sh: apt-get install$need failed" >&2; exit 1; }
npm_deps
