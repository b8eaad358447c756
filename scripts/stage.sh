#!/bin/bash
# stage.sh ROOT BIN_DIR BIN_PATH UNIT_DIR: lays Vigil's files out under ROOT as installed.
#
#   ROOT      the target root ("" or / for the live system, a staging folder for a package)
#   BIN_DIR   where the built binaries are (swift build --show-bin-path)
#   BIN_PATH  where they go, e.g. /usr/local/bin or /usr/bin; the units' ExecStart follows it
#   UNIT_DIR  where the units go, e.g. /etc/systemd/system or /usr/lib/systemd/system
#
# Shared by `make install` and `make deb` so both install the same files. Existing files under
# /etc are kept (configuration is the site's, not ours); a `.vigil-new` copy sits beside them.
set -euo pipefail
root="${1%/}"
bin_dir="$2"
bin_path="$3"
unit_dir="$4"
here="$(cd "$(dirname "$0")/.." && pwd)"

install -d "$root$bin_path" "$root$unit_dir" "$root/etc/vigil/maps" "$root/etc/mosquitto/conf.d" \
    "$root/etc/mosquitto/vigil" "$root/usr/sbin" "$root/usr/share/doc/vigil" "$root/usr/lib/vigil"
for agent in vigil vigil-collector vigil-evaluator vigil-alerter vigil-recorder; do
    install -m 0755 "$bin_dir/$agent" "$root$bin_path/$agent"
done
for unit in "$here"/systemd/vigil-*.service; do
    sed "s#/usr/local/bin/#$bin_path/#" "$unit" > "$root$unit_dir/$(basename "$unit")"
    chmod 0644 "$root$unit_dir/$(basename "$unit")"
done
install -m 0644 "$here/systemd/vigil.target" "$root$unit_dir/vigil.target"

# Configuration: the site's once installed.
conf() { # conf SOURCE TARGET MODE
    if [ -e "$root$2" ] && ! cmp -s "$1" "$root$2"; then
        install -m "$3" "$1" "$root$2.vigil-new"
    else
        install -m "$3" "$1" "$root$2"
    fi
}
conf "$here/config/vigil.yaml" /etc/vigil/vigil.yaml 0644
for map in "$here"/config/maps/*.yaml; do conf "$map" "/etc/vigil/maps/$(basename "$map")" 0644; done
conf "$here/broker-config/mosquitto.conf" /etc/mosquitto/conf.d/vigil.conf 0644
conf "$here/broker-config/aclfile" /etc/mosquitto/vigil/aclfile 0644

install -m 0755 "$here/broker-config/vigil-broker-users" "$root/usr/sbin/vigil-broker-users"
install -m 0755 "$here/broker-config/vigil-tls" "$root/usr/sbin/vigil-tls"
install -m 0755 "$here/packaging/setup-site" "$root/usr/lib/vigil/setup-site"
install -m 0644 "$here/README.md" "$here/broker-config/bridge.conf.example" "$here/broker-config/mosquitto-dev.conf" \
    "$root/usr/share/doc/vigil/"
