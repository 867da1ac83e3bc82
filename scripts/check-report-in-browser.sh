#!/bin/sh
# Renders a poolbench report in headless Chromium and fails when the page
# does not read as it should in a real browser:
#   - the browser logs a console message: an SVG attribute it could not read
#     (a NaN coordinate, a negative radius), a fetch the page's content
#     security policy blocked;
#   - the DOM the browser built lost chart elements the file holds (markup
#     an XML parser accepts but an HTML parser nests differently);
#   - a throughput chart draws neither a median line nor a failed run, or
#     the screenshot is blank.
#
# usage: scripts/check-report-in-browser.sh REPORT.html [SCREENSHOT.png] [WIDTHxHEIGHT]
# Chromium: Debian's `chromium` package (apt-get install -y chromium).
set -eu

report=${1:?usage: check-report-in-browser.sh REPORT.html [SCREENSHOT.png] [WIDTHxHEIGHT]}
screenshot=${2:-${report%.html}.png}
size=${3:-1200x2000}
[ -f "$report" ] || { echo "error: $report does not exist; write one with: poolbench report --output $report" >&2; exit 1; }
chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$chromium" ] || { echo "error: chromium not found; install it with: apt-get install -y chromium" >&2; exit 2; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
url="file://$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
browse() {
    "$chromium" --headless --disable-gpu --no-sandbox --hide-scrollbars --no-first-run --user-data-dir="$scratch/profile" \
        --enable-logging=stderr --v=0 "$@" "$url"
}

browse --window-size="$(echo "$size" | tr x ,)" --screenshot="$screenshot" >/dev/null 2>"$scratch/log" || {
    cat "$scratch/log" >&2; echo "error: chromium could not render $report" >&2; exit 1; }
if grep ':CONSOLE' "$scratch/log" >&2; then
    echo "error: the browser logged the console messages above for $report" >&2
    exit 1
fi
browse --dump-dom >"$scratch/dom.html" 2>/dev/null

count() { grep -o "$1" "$2" | wc -l | tr -d ' '; }
status=0
for pattern in '<svg[^>]* class="curve"' 'class="run"' 'class="median"' 'class="knee"' 'class="band"' \
    '<svg[^>]* class="latency"' '<svg[^>]* class="over-time"' '<svg[^>]* class="drift"' 'class="failed"'; do
    in_file=$(count "$pattern" "$report")
    in_browser=$(count "$pattern" "$scratch/dom.html")
    if [ "$in_file" != "$in_browser" ]; then
        echo "error: the file has $in_file of $pattern but the browser's DOM $in_browser" >&2
        status=1
    fi
done
curves=$(count '<svg[^>]* class="curve"' "$report")
# Each throughput chart draws a median line, or failure marks when every run failed.
empty=$(awk 'BEGIN { RS = "<svg " } /^[^>]* class="curve"/ && !/class="median" d="M/ && !/class="failed"/ { n++ } END { print n + 0 }' "$report")
if [ "$empty" -gt 0 ]; then
    echo "error: $empty of $curves throughput charts draw neither a median line nor a failed run: empty" >&2
    status=1
fi
# A blank page of this size compresses to a few KB; charts make it far larger.
bytes=$(wc -c <"$screenshot" | tr -d ' ')
if [ "$bytes" -lt 20000 ]; then
    echo "error: the screenshot $screenshot is $bytes bytes: the page rendered blank" >&2
    status=1
fi
[ "$status" -ne 0 ] || echo "ok: $report renders with $curves throughput charts and no console messages; screenshot $screenshot"
exit "$status"
