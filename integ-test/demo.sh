#!/usr/bin/env bash
# Polyspan in one command: builds the plugin and the default model when needed, starts a local OpenSearch node
# (or Elasticsearch with POLYSPAN_ENGINE=elasticsearch),
# labels three news sentences (English, German, Spanish) through an ingest pipeline and searches the spans.
# The node keeps running afterwards (stop it with integ-test/node.sh stop).
#
# The models are built (models/build-default.sh --int8-optional) when one is missing or incomplete, or a file under
# models/default or models/recipe is newer than the default model; a failed int8 build is a warning, and the demo goes
# on with the fp32 model.
#
# Environment: POLYSPAN_ENGINE (opensearch or elasticsearch), OPENSEARCH_PORT (default 9200), POLYSPAN_DEMO_NO_BUILD=1
# (fail instead of building the models: integ-test/run-tests.sh runs the demo on the models it built), plus those of
# integ-test/node.sh.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

PORT="${OPENSEARCH_PORT:-9200}"
URL="http://127.0.0.1:$PORT"
INDEX="polyspan-demo"
PIPELINE="polyspan-demo"
if [[ "$ENGINE" == opensearch ]]; then NODE_DIR="$BUILD_DIR/node-$PORT"; else NODE_DIR="$BUILD_DIR/es-node-$PORT"; fi

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
# a model counts only when complete (.complete, the build's last step; common.sh)
rebuild=""
if ! default_model_built; then
  rebuild="${DEFAULT_MODEL_DIR#"$REPO_DIR"/} is not built or incomplete"
elif ! int8_model_built; then
  rebuild="${INT8_MODEL_DIR#"$REPO_DIR"/} is not built, incomplete or older than the default model"
else
  newer="$(find "$REPO_DIR/models/default" "$REPO_DIR/models/recipe" -newer "$DEFAULT_MODEL_DIR/.complete" -type f \
    ! -path '*/__pycache__/*' -print -quit 2>/dev/null || true)"
  [[ -z "$newer" ]] || rebuild="${newer#"$REPO_DIR"/} is newer than the built model"
fi
if [[ -z "$rebuild" ]]; then
  info "up to date: ${DEFAULT_MODEL_DIR#"$REPO_DIR"/}, ${INT8_MODEL_DIR#"$REPO_DIR"/}"
elif [[ -n "${POLYSPAN_DEMO_NO_BUILD:-}" ]]; then
  die "$rebuild, and POLYSPAN_DEMO_NO_BUILD is set: build the models first (models/build-default.sh)"
else
  info "$rebuild: building (models/build-default.sh --int8-optional)"
  # --int8-optional: an int8 model that fails its checks is left out with a warning; the demo needs the fp32 model
  "$REPO_DIR/models/build-default.sh" --int8-optional
  default_model_built || die "models/build-default.sh did not complete ${DEFAULT_MODEL_DIR#"$REPO_DIR"/}"
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
# the pipeline starts loading the model in the background; documents sent before it is loaded would wait, then get 429.
# GET $API/models is a nodes-level answer: "models" lists each model once, with "state" (the nodes' common state:
# not_loaded, loading, loaded, failed, or mixed), "error" when it failed, and "nodes" with each node's state and error.
# model_state: prints the state of mbert-ner, a tab, and its errors; fails when the API does not answer
model_state() {
  local body
  if ! body="$(api GET "/$API/models" 2>&1)"; then
    printf 'unanswered\tGET /%s/models: %s\n' "$API" "$(printf '%s' "$body" | tr -s '\n' ' ' | cut -c1-400)"
    return 1
  fi
  printf '%s' "$body" | python3 -c '
import json, sys
try:
    models = json.load(sys.stdin)["models"]
except (ValueError, KeyError, TypeError) as e:
    print("unreadable\tthe models API answered something else: %r" % e)
    sys.exit(0)
for m in models:
    if m.get("id") == "mbert-ner":
        errors = [m["error"]] if m.get("error") else []
        for node_id, node in sorted((m.get("nodes") or {}).items()):
            if node.get("error") and node["error"] not in errors:
                errors.append("%s: %s" % (node.get("name", node_id), node["error"]))
        print("%s\t%s" % (m.get("state", "unknown"), " | ".join(errors)))
        break
else:
    print("missing\t")
'
}
state="" error="" api_errors=0
for _ in $(seq 1 600); do
  if answer="$(model_state)"; then
    api_errors=0
  else
    # the node is up (node.sh waited for it): an error that lasts is not worth 600 s of waiting
    api_errors=$((api_errors + 1))
  fi
  state="${answer%%$'\t'*}" error="${answer#*$'\t'}"
  (( api_errors < 5 )) || break
  [[ "$state" == loaded || "$state" == failed || "$state" == missing || "$state" == unreadable ]] && break
  sleep 1
done
info "model mbert-ner: $state"
case "$state" in
  loaded) ;;
  failed) die "model mbert-ner failed to load: ${error:-no error given} (node logs: ${NODE_DIR#"$REPO_DIR"/}/logs)" ;;
  missing) die "the node has no model mbert-ner (was models/build/mbert-ner complete when the node started?)" ;;
  unanswered|unreadable|"") die "cannot tell whether model mbert-ner is loaded${error:+: $error}" ;;
  *) die "model mbert-ner still [$state] after 600 s${error:+: $error} (node logs: ${NODE_DIR#"$REPO_DIR"/}/logs)" ;;
esac

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
