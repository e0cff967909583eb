#!/usr/bin/env bash
# Measures MCP tool-call latency through one gateway, stateful (session) vs stateless, N sequential calls.
set -u
BASE=$1; TOKEN=$2; N=${3:-200}; MODE=$4
H=(-H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" -H "Accept: application/json, text/event-stream" -H "MCP-Protocol-Version: 2025-06-18")
SID=""
if [ "$MODE" = "stateful" ]; then
  SID=$(curl -s -D - -o /dev/null "${H[@]}" -X POST "$BASE/mcp" -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"m","version":"1"}}}' | tr -d '\r' | awk -F': ' 'tolower($1)=="mcp-session-id"{print $2}')
  curl -s -o /dev/null "${H[@]}" -H "Mcp-Session-Id: $SID" -X POST "$BASE/mcp" -d '{"jsonrpc":"2.0","method":"notifications/initialized"}'
fi
times=()
for i in $(seq 1 "$N"); do
  t=$(curl -s -o /dev/null -w '%{time_total}' "${H[@]}" ${SID:+-H "Mcp-Session-Id: $SID"} -X POST "$BASE/mcp" -d '{"jsonrpc":"2.0","id":'$((i+1))',"method":"tools/call","params":{"name":"search","arguments":{"query":"mirror figure test","limit":5}}}')
  times+=("$t")
done
printf '%s\n' "${times[@]}" | sort -n | awk -v mode="$MODE" '{a[NR]=$1} END {printf "%s n=%d p50=%.1f ms p95=%.1f ms\n", mode, NR, a[int(NR*0.5)]*1000, a[int(NR*0.95)]*1000}'
