#!/usr/bin/env bash
# Screenshot of GTKWave opening a .gtkw view (for docs): gtkwave-shot.sh VIEW.gtkw OUT.png [WIDTHxHEIGHT]
# Runs the real GTKWave under Xvfb; a timer script (-R) grabs the screen (ImageMagick import) once the
# view is drawn, then quits.
set -euo pipefail
view=$(realpath "$1"); out=$(realpath -m "$2"); size=${3:-1400x800}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat > "$work/grab.tcl" <<'TCL'
# A timer script runs after the window is drawn: grab the screen, then quit.
if {![info exists ::shot_done]} {
  set ::shot_done 1
  exec import -window root $::env(SHOT_OUT)
  gtkwave::/File/Quit
}
TCL
cat > "$work/rc" <<RC
initial_window_x ${size%x*}
initial_window_y ${size#*x}
splash_disable 1
enable_fast_exit 1
RC
rm -f "$out"
cd "$(dirname "$view")"
SHOT_OUT="$out" HOME="$work" timeout 60 xvfb-run -a -s "-screen 0 ${size}x24" gtkwave -r "$work/rc" -R "$work/grab.tcl" -P 1500 "$view" >"$work/log" 2>&1 || true
[ -s "$out" ] || { cat "$work/log" >&2; echo "no screenshot written (is gtkwave + xvfb + imagemagick installed?)" >&2; exit 1; }
echo "wrote $out"
