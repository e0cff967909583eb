#!/usr/bin/env bash
# Runs the worked example of docs/context.md against a running gateway at $BASE with the admin token $ADMIN.
set -u
BASE=${BASE:-http://127.0.0.1:18090}
show() { echo "\$ $*"; eval "$@"; echo; }
j() { jq -c "$@"; }
echo '$ ANA=$(curl -s -X POST $BASE/api/users/ -H "Authorization: Bearer $ADMIN" -H "Content-Type: application/json" -d '"'"'{"id": "ana", "name": "Ana"}'"'"' | jq -r .token.token)'
ANA=$(curl -s -X POST $BASE/api/users/ -H "Authorization: Bearer $ADMIN" -H "Content-Type: application/json" -d '{"id": "ana", "name": "Ana"}' | jq -r .token.token)
echo
H='-H "Authorization: Bearer $ANA" -H "Content-Type: application/json"'
show "LIB=\$(curl -s -X POST \$BASE/library/api/libraries/ $H -d '{\"name\": \"telescope-notes\", \"library_type\": \"technical\"}' | jq -r .uid)"
show "curl -s -X POST \$BASE/library/api/items/ $H -d '{\"library_uid\": \"'\$LIB'\", \"title\": \"mirror.md\", \"text\": \"# Telescope\\n\\n## Mirror\\nThe primary mirror is a 300 mm f/4 paraboloid, figured with a Foucault tester and coated with protected aluminium.\\n\\n## Mount\\nAn equatorial fork mount driven by stepper motors.\"}' | jq -c '{item_uid, status, chunk_count}'"
show "curl -s -X POST \$BASE/atocore/projects/register $H -d '{\"id\": \"P05-Telescope\", \"aliases\": [\"p05\", \"scope\"], \"description\": \"A 300 mm telescope build\", \"libraries\": [\"'\$LIB'\"]}' | jq -c"
show "curl -s -X POST \$BASE/atocore/project/state $H -d '{\"project\": \"p05\", \"category\": \"decision\", \"key\": \"coating\", \"value\": \"protected aluminium\", \"source\": \"build log\"}' | jq -c '{project, category, key, value, status}'"
show "curl -s -X POST \$BASE/atocore/project/state $H -d '{\"project\": \"SCOPE\", \"category\": \"next_step\", \"key\": \"test\", \"value\": \"star test on Vega\"}' | jq -c '{project, category, key, value, status}'"
show "curl -s -X POST \$BASE/atocore/memory $H -d '{\"content\": \"Ana prefers metric units and short answers\", \"memory_type\": \"preference\", \"project\": \"p05\"}' | jq -c '{id, memory_type, status, confidence}'"
show "PACK=\$(curl -s -X POST \$BASE/atocore/context/build $H -d '{\"prompt\": \"How is the primary mirror figured?\", \"project\": \"p05\", \"budget\": 900}')"
show "echo \"\$PACK\" | jq -r .formatted_context"
show "echo \"\$PACK\" | jq -c '{pack_id, project, chunks_used, memories_used, project_state_chars, total_chars, budget, budget_remaining, chunks: [.chunks[] | {source_file, heading_path}]}'"
show "I=\$(curl -s -X POST \$BASE/atocore/interactions $H -d '{\"prompt\": \"How is the primary mirror figured?\", \"response\": \"Short answer, in metric units as Ana prefers: it is figured with a Foucault tester.\\n## Decision: test the figure again after coating\", \"project\": \"p05\", \"client\": \"claude-code\", \"pack_id\": '\"\$(echo \"\$PACK\" | jq .pack_id)\"'}'); echo \"\$I\" | jq -c"
show "curl -s -X POST \$BASE/atocore/interactions/\$(echo \"\$I\" | jq -r .id)/extract $H -d '{\"persist\": true}' | jq -c '.candidates[] | {memory_type, content, rule, memory_id}'"
show "curl -s \"\$BASE/atocore/memory?status=candidate\" $H | jq -c '.memories[] | {id, memory_type, content, status}'"
show "curl -s -X POST \$BASE/atocore/memory/\$(curl -s \"\$BASE/atocore/memory?status=candidate\" $H | jq -r '.memories[0].id')/promote $H | jq -c '{memory_type, content, status}'"
show "curl -s \"\$BASE/atocore/memory?project=p05&status=active\" $H | jq -c '.memories[] | {memory_type, content, confidence, reference_count}'"
show "MNEMO_URL=\$BASE MNEMO_TOKEN=\$ANA ./mnemo context \"Why test the figure again?\" --project scope --budget 600"
