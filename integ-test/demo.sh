#!/usr/bin/env bash
# Polyspan in one command: builds the plugin and the default model when needed, starts a local OpenSearch node
# (or Elasticsearch with POLYSPAN_ENGINE=elasticsearch),
# labels three news sentences (English, German, Spanish) through an ingest pipeline and searches the spans.
# The node keeps running afterwards (stop it with integ-test/node.sh stop).
#
# Environment: POLYSPAN_ENGINE (opensearch or elasticsearch), OPENSEARCH_PORT (default 9200), plus those of
# integ-test/node.sh.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

PORT="${OPENSEARCH_PORT:-9200}"
URL="http://127.0.0.1:$PORT"
INDEX="polyspan-demo"
PIPELINE="polyspan-demo"

# api METHOD PATH [JSON]: prints the response body, fails on HTTP errors (showing the body)
api() {
  local method="$1" path="$2"
  shift 2
  if [[ $# -gt 0 ]]; then
    curl -sS --fail-with-body -X "$method" "$URL$path" -H 'Content-Type: application/json' --data-binary "$1"
  else
    curl -sS --fail-with-body -X "$method" "$URL$path"
  fi
}

stage "system packages"
install_system_packages
select_java

stage "plugin"
build_plugin_if_needed

stage "default model (models/build-default.sh)"
if ! default_model_built || ! int8_model_built \
   || [[ -n "$(find "$REPO_DIR/models/default" "$REPO_DIR/models/recipe" -newer "$DEFAULT_MODEL_DIR/config.json" -type f -print -quit 2>/dev/null)" ]]; then
  "$REPO_DIR/models/build-default.sh"
else
  info "up to date: ${DEFAULT_MODEL_DIR#"$REPO_DIR"/}"
fi

stage "$ENGINE_NAME node on $URL"
if OPENSEARCH_PORT="$PORT" "$INTEG_DIR/node.sh" status > /dev/null 2>&1; then
  info "a demo node is already running on port $PORT: restarting it with a fresh data directory"
  OPENSEARCH_PORT="$PORT" "$INTEG_DIR/node.sh" stop
fi
OPENSEARCH_PORT="$PORT" "$INTEG_DIR/node.sh" start

stage "pipeline, templates, documents"
api PUT "/_ingest/pipeline/$PIPELINE" '{
  "description": "Polyspan demo: people, organisations and places in [body]",
  "processors": [
    { "span_labeling": { "model": "mbert-ner", "field": "body", "target_field": "spans" } }
  ]
}' > /dev/null
info "pipeline $PIPELINE: span_labeling on [body] with model mbert-ner"
# the pipeline starts loading the model in the background; documents sent before it is loaded would wait, then get 429
for _ in $(seq 1 600); do
  state="$(api GET /_plugins/polyspan/models | python3 -c '
import json, sys
print(next((m["state"] for m in json.load(sys.stdin)["models"] if m["id"] == "mbert-ner"), "missing"))')"
  [[ "$state" == loaded || "$state" == failed || "$state" == missing ]] && break
  sleep 1
done
info "model mbert-ner: $state"

api PUT "/_component_template/polyspan-spans" "$(api GET "/$API/mapping_template?target_field=spans")" > /dev/null
api PUT "/_index_template/$INDEX" '{
  "index_patterns": ["'"$INDEX"'*"],
  "composed_of": ["polyspan-spans"],
  "priority": 100,
  "template": {
    "settings": { "number_of_shards": 1, "number_of_replicas": 0, "index.default_pipeline": "'"$PIPELINE"'" },
    "mappings": { "properties": { "body": { "type": "text" }, "lang": { "type": "keyword" } } }
  }
}' > /dev/null
info "component template polyspan-spans (from $API/mapping_template) and index template $INDEX"

api PUT "/$INDEX/_doc/en" '{"lang": "en", "body": "Barack Obama met Angela Merkel at the White House in Washington on Friday."}' > /dev/null
api PUT "/$INDEX/_doc/de" '{"lang": "de", "body": "Angela Merkel besuchte gestern mit Emmanuel Macron die Siemens AG in München."}' > /dev/null
api PUT "/$INDEX/_doc/es" '{"lang": "es", "body": "Pedro Sánchez se reunió en Madrid con representantes de Telefónica y del Banco Santander."}' > /dev/null
api POST "/$INDEX/_refresh" > /dev/null
info "indexed 3 documents into $INDEX (index.default_pipeline = $PIPELINE)"

stage "the documents with their spans"
DOCS="$(api GET "/$INDEX/_search?filter_path=hits.hits._id,hits.hits._source&sort=lang")"
if command -v python3 > /dev/null; then
  printf '%s' "$DOCS" | python3 -c '
import json, sys
for hit in json.load(sys.stdin)["hits"]["hits"]:
    src = hit["_source"]
    print("[%s] %s" % (hit["_id"], src["body"]))
    for s in src.get("spans", []):
        print("    %-5s %-28s %4d-%-4d score %.3f" % (s["label"], json.dumps(s["text"], ensure_ascii=False), s["start"], s["end"], s["score"]))
    if not src.get("spans"):
        print("    (no spans)")
    print("    spans_by_label: " + json.dumps(src.get("spans_by_label"), ensure_ascii=False))
'
else
  printf '%s\n' "$DOCS"
fi

stage "nested query: documents with a span labelled PER"
QUERY='{ "query": { "nested": { "path": "spans", "query": { "term": { "spans.label": "PER" } } } }, "_source": ["lang", "spans_by_label.PER"] }'
echo "GET $INDEX/_search $QUERY"
RESULT="$(api POST "/$INDEX/_search" "$QUERY")"
HITS="$(printf '%s' "$RESULT" | sed -n 's/.*"total":{"value":\([0-9]*\).*/\1/p')"
if command -v python3 > /dev/null; then
  printf '%s' "$RESULT" | python3 -c '
import json, sys
for hit in json.load(sys.stdin)["hits"]["hits"]:
    print("  hit %-3s PER: %s" % (hit["_id"], json.dumps(hit["_source"].get("spans_by_label", {}).get("PER"), ensure_ascii=False)))
'
fi
echo "documents with a PER span: ${HITS:-?} of 3"
if api GET "/$API/models" | grep -q '"id":"mbert-ner"[^}]*"heads":{}'; then
  echo "NOTE: model mbert-ner has no heads yet (models/default/heads/ner.json and ner.bin), so it finds no spans."
fi

stage "projection: the English spans onto a Spanish translation"
# with Apertium's service beside the node (apertium-apy installed), the translation is made by the node itself
if [[ "$ENGINE" == opensearch ]]; then NODE_DIR="$BUILD_DIR/node-$PORT"; else NODE_DIR="$BUILD_DIR/es-node-$PORT"; fi
if grep -q '^polyspan.translate.apertium_url' "$NODE_DIR/config/$ENGINE.yml" 2>/dev/null; then
  PROJECT='{"source_language": "en", "target_language": "es", "translate": true, "pairs": [{"source": {"text": "Barack Obama met Angela Merkel at the White House in Washington on Friday.", "spans": [{"start": 0, "end": 12, "label": "PER"}, {"start": 17, "end": 30, "label": "PER"}, {"start": 38, "end": 49, "label": "LOC"}, {"start": 53, "end": 63, "label": "LOC"}]}}]}'
else
  PROJECT='{"source_language": "en", "target_language": "es", "pairs": [{"source": {"text": "Barack Obama met Angela Merkel at the White House in Washington on Friday.", "spans": [{"start": 0, "end": 12, "label": "PER"}, {"start": 17, "end": 30, "label": "PER"}, {"start": 38, "end": 49, "label": "LOC"}, {"start": 53, "end": 63, "label": "LOC"}]}, "target": {"text": "Barack Obama se reunió con Angela Merkel en la Casa Blanca en Washington el viernes."}}]}'
fi
echo "POST $API/_project $PROJECT"
PROJECTED="$(api POST "/$API/_project" "$PROJECT")"
if command -v python3 > /dev/null; then
  printf '%s' "$PROJECTED" | python3 -c '
import json, sys
pair = json.load(sys.stdin)["pairs"][0]
if "target" in pair:
    print("  translated by %s: %s" % (pair["target"]["translated_by"], pair["target"]["text"]))
for s in pair["spans"]:
    print("    %-5s %-28s %4d-%-4d score %.3f" % (s["label"], json.dumps(s["text"], ensure_ascii=False), s["start"], s["end"], s["score"]))
'
else
  printf '%s\n' "$PROJECTED"
fi

stage "done"
cat <<EOF
The node keeps running on $URL (logs: ${NODE_DIR#"$REPO_DIR"/}/logs).
Try:   curl -s '$URL/$INDEX/_search?pretty&q=spans_by_label.LOC:*'
       curl -s '$URL/$API/models?pretty'
Stop:  ${POLYSPAN_ENGINE:+POLYSPAN_ENGINE=$ENGINE }${OPENSEARCH_PORT:+OPENSEARCH_PORT=$PORT }integ-test/node.sh stop
EOF
