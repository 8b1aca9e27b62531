#!/usr/bin/env bash
# Retakes docs/screenshots/*.png from the real cicsx-gui window on a virtual X screen (Xvfb).
#
# Needs: apt-get install -y xvfb x11-apps imagemagick xdotool
# and:   cargo build -p cicsx-gui -p cicsx -p cicsx-mock-cics
#
# It starts two mock CICS regions on loopback, makes a throw-away workspace with the cicsx CLI,
# runs cicsx-gui on display :77 (1280x800), clicks through the screens with xdotool and
# captures the screen after each step. The click positions below are window coordinates of the
# current layout (the window opens at 0,0, 1200x760); if the layout changes, adjust them and
# look at the captures. See docs/gui.md.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${CICSX_BIN:-$root/target/debug}
out=$root/docs/screenshots
display=${CICSX_SHOT_DISPLAY:-:77}
port_self=${CICSX_SHOT_PORT1:-15901}
port_plain=${CICSX_SHOT_PORT2:-15902}
convert=/usr/bin/convert # the real ImageMagick

for tool in Xvfb xwd xdotool "$convert" "$bin/cicsx-gui" "$bin/cicsx" "$bin/cicsx-mock-cics"; do
    command -v "$tool" >/dev/null || { echo "missing: $tool (see the top of $0)" >&2; exit 1; }
done

mkdir -p "$out"
tmp=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

export DISPLAY=$display
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
pids+=($!)

"$bin/cicsx-mock-cics" --port "$port_self" --mode strong --cert self-signed >"$tmp/m1.log" 2>&1 &
region1=$!
pids+=($region1)
"$bin/cicsx-mock-cics" --port "$port_plain" --mode strong --cert valid >"$tmp/m2.log" 2>&1 &
pids+=($!)
sleep 1

# A workspace as a user would have it: two connections, a client certificate, a trusted CA.
ws=$tmp/workspace
cx() { "$bin/cicsx" --workspace "$ws" "$@" >/dev/null 2>&1; }
cx connection add "TEST plex" --host 127.0.0.1 --port "$port_self" --secure --user cicsuser --context CICSPLEX1
cx connection add "Old region" --host 127.0.0.1 --port "$port_plain" --no-secure --user cicsuser --context CICSPLEX1
CICSX_SRC_STOREPASS=changeit cx keystore import "$root/fixtures/client/ecdsa.p12"
cx keystore trust "$root/fixtures/ca/root.pem" --alias cicsx-test-root

"$bin/cicsx-gui" --workspace "$ws" >"$tmp/gui.log" 2>&1 &
pids+=($!)
sleep 3
window=$(xdotool search --name '^cicsx$' | head -1)
# Without a window manager, the window gets the keyboard only when told so.
xdotool windowfocus --sync "$window"

shot() { sleep "${2:-1.5}"; xwd -root -silent | "$convert" xwd:- -crop 1200x760+0+0 +repage "png:$out/$1.png"; echo "took $1.png"; }
click() { xdotool mousemove "$1" "$2" click 1; sleep 0.5; }
typ() { xdotool type --delay 60 "$1"; sleep 0.3; }
key() { xdotool key "$1"; sleep 0.3; }

# Tabs.
tab_connections="44 10"; tab_preferences="139 10"; tab_keystore="223 10"

shot 01-host-connections 0.5

# Add CMCI Connection window, partly filled in.
click 275 50
click 700 111; typ "PROD plex"
click 700 134; typ "mvs1.example.com"
click 700 157; typ "1490"
click 700 203; typ "PLEX1"
click 700 341; typ "IBMUSER"
shot 02-add-connection
click 445 391 # Cancel

# Connect TEST plex: certificate alert (self-signed), accept, password, results.
click 640 147
shot 03-certificate-alert
click 272 538
sleep 1.5
typ cicspass
key Return
shot 04-cmci-results 2

# Connect the old plain-HTTP connection to a TLS port: password, then the ambiguity dialog.
click $tab_connections
click 640 170
sleep 1.5
typ cicspass
key Return
shot 05-ambiguity-in-connection-security 2
click 330 443
sleep 1.5
typ cicspass
key Return
sleep 2

# Preferences, with trust verification off (not saved).
click $tab_preferences
click 15 101
shot 06-preferences

# Keystore manager, an entry selected.
click $tab_keystore
click 56 124
shot 07-keystore

# The pinned certificate changes: a warning, no Accept.
kill "$region1"
sleep 0.5
"$bin/cicsx-mock-cics" --port "$port_self" --mode strong --cert unknown-ca >"$tmp/m3.log" 2>&1 &
pids+=($!)
sleep 1
click $tab_connections
click 657 147 # Disconnect
click 640 147 # Connect
shot 08-changed-certificate 2
