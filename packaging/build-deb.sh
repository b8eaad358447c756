#!/bin/bash
# build-deb.sh BIN_DIR OUT_DIR: the Debian package vigil_<version>_<arch>.deb, with dpkg-deb.
#
# The binaries go to /usr/bin, the units to /usr/lib/systemd/system, the configuration to /etc
# (conffiles: an upgrade never overwrites a site's edits), and the maintainer scripts create the
# user, the broker's users and certificates (packaging/setup-site) and stop the agents on removal.
set -euo pipefail
bin_dir="$1"
out_dir="$2"
here="$(cd "$(dirname "$0")/.." && pwd)"
version="$(sed -n 's/.*public static let version = "\(.*\)"/\1/p' "$here/Core/VigilRuntime/Agent.swift")"
arch="$(dpkg --print-architecture)"
stage="$out_dir/vigil_${version}_$arch"
rm -rf "$stage"
mkdir -p "$stage/DEBIAN"
"$here/scripts/stage.sh" "$stage" "$bin_dir" /usr/bin /usr/lib/systemd/system
size="$(du -sk "$stage" | cut -f1)"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: vigil
Version: $version
Architecture: $arch
Maintainer: Vigil developers <vigil@example.org>
Depends: mosquitto (>= 2.0), libmosquitto1, libsqlite3-0, libssl3, libmodbus5, openssl, passwd
Recommends: mosquitto-clients
Section: net
Priority: optional
Installed-Size: $size
Homepage: https://example.org/vigil
Description: predictive maintenance for UPS batteries, chillers and pumps on an edge gateway
 Four agents (collector, evaluator, alerter, recorder) talk through the local Mosquitto broker:
 Modbus polling, physics checks, digital twins, anomaly detection, remaining useful life,
 ISA-18.2 alarms and an SQLite history, each a hardened systemd service.
CONTROL
(cd "$stage" && find etc -type f | sed 's#^#/#' | sort) > "$stage/DEBIAN/conffiles"
install -m 0755 "$here/packaging/postinst" "$here/packaging/prerm" "$here/packaging/postrm" "$stage/DEBIAN/"
dpkg-deb --root-owner-group --build "$stage" "$out_dir/vigil_${version}_$arch.deb" >/dev/null
echo "$out_dir/vigil_${version}_$arch.deb"
