#!/bin/bash
# Every GPU check in one run of at most 8 minutes, results as JSON and PNG grids under OUT:
#   benchmarks/gpu_check.sh OUT             on a CUDA GPU (make gpu-check OUT=...)
#   benchmarks/gpu_check.sh --dry-run OUT   on a CPU, tiny sizes: checks the script itself (a test runs it)
# Stages: the CUDA-only tests; the step bench on CUDA without and with each option; a DCGAN trained on
# full MNIST (../shared/datasets when present, else the sample) to the time-to-good-digits mark, and the
# tutorial loop to the same mark; `gan-lab evaluate` on that DCGAN; the lesson-05 reference solution
# executed as an instructor would (jupyter nbconvert --execute). Each stage has its own time limit, so
# one slow stage cannot eat the others'; OUT/summary.json records each stage's exit status and seconds.
set -u
dry=0
if [ "${1:-}" = --dry-run ]; then dry=1; shift; fi
out=${1:?usage: benchmarks/gpu_check.sh [--dry-run] OUT}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$(dirname "$0")/.."
export MPLBACKEND=Agg TQDM_DISABLE=1 PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH}
data=../shared/datasets
[ -f "$data/MNIST/raw/train-images-idx3-ubyte" ] && dataset=mnist || dataset=sample
if [ $dry = 1 ]; then
    device=cpu dataset=sample
    bench="--models mlp --repeats 1 --steps 2 --warmup 1"
    digits="--model mlp --every 2 --max-steps 4 --n 200"
    tutorial_digits=$digits
    evaluate="--n 200 --kid-subsets 2 --kid-subset-size 100"
    options=("" "fused_adam")
else
    device=cuda
    bench="--models dcgan --repeats 1 --steps 300 --warmup 20"
    digits="--model dcgan --options fused_adam,amp,channels_last --every 200 --max-seconds 70 --n 2000"
    tutorial_digits="--model dcgan --every 200 --max-seconds 25 --n 2000"
    evaluate="--n 5000"
    options=("" "amp" "channels_last" "compile" "amp,channels_last,compile")
fi
echo "{" > "$out/summary.json.tmp"
stage() {  # stage NAME SECONDS COMMAND...: run with a time limit, log to OUT/NAME.log, record rc and time
    local name=$1 limit=$2; shift 2
    local t0=$SECONDS
    [ $dry = 1 ] && limit=$((limit * 5))  # the 8-minute budget is the GPU's; a shared CPU only checks the wiring
    timeout "$limit" "$@" > "$out/$name.log" 2>&1
    local rc=$?
    echo "  \"$name\": {\"rc\": $rc, \"seconds\": $((SECONDS - t0)), \"limit\": $limit}," >> "$out/summary.json.tmp"
    echo "$name: rc=$rc in $((SECONDS - t0)) s (limit $limit s)"
}
stage cuda_tests 70 python -m pytest tests/test_cuda.py -q -rs --junitxml="$out/cuda_tests.xml"
for opt in "${options[@]}"; do
    # bench_: the defaults and the fast path (fused Adam, joint D pass), each with --options on top
    stage "bench_${opt:-plain}" 35 python benchmarks/steps.py $bench --device $device --options "$opt" \
        --data-dir "$data" --json "$out/bench_${opt:-plain}.json"
done
stage time_to_digits 100 python benchmarks/time_to_digits.py --loop gan_lab $digits --device $device \
    --dataset $dataset --data-dir "$data" --checkpoint "$out/dcgan/checkpoint.pt" --json "$out/time_to_digits.json"
stage time_to_digits_tutorial 40 python benchmarks/time_to_digits.py --loop tutorial $tutorial_digits \
    --device $device --dataset $dataset --data-dir "$data" --json "$out/time_to_digits_tutorial.json"
stage evaluate 35 python -m gan_lab evaluate --checkpoint "$out/dcgan/checkpoint.pt" $evaluate --device $device \
    --data-dir "$data" --out "$out/evaluation.json" --figures "$out/figures"
stage lesson05 60 jupyter nbconvert --to notebook --execute solutions/05_dcgan_gpu/05_dcgan_gpu.ipynb \
    --ExecutePreprocessor.timeout=55 --output-dir "$out" --output lesson05_executed.ipynb
python - "$out" "$device" "$dry" <<'PY'
import json, platform, sys, torch
out, device, dry = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
text = open(f"{out}/summary.json.tmp").read().rstrip().rstrip(",")
stages = json.loads(text + "\n}")
gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
summary = {"dry_run": dry, "device": device, "gpu": gpu, "torch": torch.__version__, "python": platform.python_version(),
           "stages": stages, "ok": all(s["rc"] == 0 for s in stages.values())}
open(f"{out}/summary.json", "w").write(json.dumps(summary, indent=2) + "\n")
print(json.dumps({"ok": summary["ok"], "gpu": gpu}))
PY
rm -f "$out/summary.json.tmp"
