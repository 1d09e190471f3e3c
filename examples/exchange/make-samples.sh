#!/bin/sh
# Makes the sample documents of this folder from a small simulated province: three
# communes report rice area, yield (weighted by area) and output for 202611; the
# province (000.00.00.H99) accepts two, approves its aggregate, signs and sends it.
# Usage: sh examples/exchange/make-samples.sh [path/to/baocao]   (from the repository)
set -eu
BAOCAO=${1:-target/debug/baocao}
BAOCAO=$(cd "$(dirname "$BAOCAO")" && pwd)/$(basename "$BAOCAO")
OUT=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
export HOME="$WORK/home" BAOCAO_DB="$WORK/tinh.db" BAOCAO_NOW=2026-11-02T08:00:00+07:00
b() { "$BAOCAO" -q "$@"; }
echo 'Mat-khau-Mau-2026!' | b init --admin admin --password-stdin --simulated-clock >/dev/null
echo 'Mat-khau-Mau-2026!' | b login admin --password-stdin >/dev/null
printf 'code,name,kind,parent\n000.00.00.H99,UBND tỉnh Mẫu,province,\nH99.01,Xã Tân Phong,commune,000.00.00.H99\nH99.02,Phường Hòa Bình,commune,000.00.00.H99\nH99.03,Xã Đồng Tâm,commune,000.00.00.H99\n' > u.csv
b unit import u.csv >/dev/null
b indicator add --code DT_LUA --name "Diện tích lúa" --unit ha >/dev/null
b indicator add --code NS_LUA --name "Năng suất lúa" --unit tạ/ha --aggregation weighted_average --weight DT_LUA --time-aggregation rate >/dev/null
b indicator add --code SL_LUA --name "Sản lượng lúa" --unit tấn >/dev/null
cat > lua.json <<'JSON'
{"code": "LUA", "version": 1, "title": "BÁO CÁO SẢN XUẤT LÚA", "kind": "numeric",
 "columns": [
  {"key": "c1", "number": "1", "header": ["Kế hoạch"], "type": "decimal", "role": "input", "formula": null},
  {"key": "c2", "number": "2", "header": ["Thực hiện"], "type": "decimal", "role": "input", "formula": null},
  {"key": "c3", "number": "3", "header": ["So sánh (%)"], "type": "percent", "role": "computed", "formula": "2/1*100"}],
 "rows": [
  {"key": "r1", "stt": "1", "name": "Diện tích lúa", "unit": "ha", "level": 1, "role": "input", "indicator": "DT_LUA"},
  {"key": "r2", "stt": "2", "name": "Năng suất lúa", "unit": "tạ/ha", "level": 1, "role": "input", "indicator": "NS_LUA"},
  {"key": "r3", "stt": "3", "name": "Sản lượng lúa", "unit": "tấn", "level": 1, "role": "input", "indicator": "SL_LUA"}],
 "not_applicable": []}
JSON
b form import lua.json --code LUA --mapping >/dev/null
b regime add --code SXLUA --name "Báo cáo sản xuất lúa" --form LUA --lead 000.00.00.H99 --frequency monthly >/dev/null
b assign add SXLUA --kind commune >/dev/null
b account key generate >/dev/null
export BAOCAO_NOW=2026-11-16T09:00:00+07:00
report() { # unit plan-area area plan-yield yield plan-output output accept|return
  u=$1; shift
  for cell in "r1 c1 $1" "r1 c2 $2" "r2 c1 $3" "r2 c2 $4" "r3 c1 $5" "r3 c2 $6"; do
    set -- "$@"; b entry set SXLUA --period 202611 --unit "$u" $cell >/dev/null
  done
  for step in submit approve send; do b report $step SXLUA --period 202611 --unit "$u" >/dev/null; done
}
report H99.01 100 95 60 61 600 579.5
b report accept SXLUA --period 202611 --unit H99.01 >/dev/null
report H99.02 300 310 50 50.5 1500 1565.5
b report accept SXLUA --period 202611 --unit H99.02 >/dev/null
report H99.03 7 7 10 10 7 7
b report return SXLUA --period 202611 --unit H99.03 --reason "Số liệu chưa khớp" >/dev/null
b exchange export catalogue --out "$OUT/catalogue.json" --force
b exchange export report-data SXLUA 202611 --unit H99.02 --out "$OUT/report-data.json" --force
b exchange export report-status SXLUA 202611 --out "$OUT/report-status.json" --force
b aggregate approve SXLUA 202611 --comment "Đồng ý gửi Bộ Nông nghiệp và Môi trường" >/dev/null
b aggregate send SXLUA 202611 --to-system VN --to G09 --out "$OUT/aggregate.json" --force >/dev/null
cp "$OUT/aggregate.json" .
b -o json exchange import aggregate.json --dry-run > "$OUT/import-report.json"
