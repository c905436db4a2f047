#!/bin/bash
# Train the same short seeded CPU runs with one gan_lab source tree into a folder, for
# scripts/compare_runs.py to compare with another tree's. Usage:
#   scripts/bit_identity.sh SOURCE_ROOT OUT_FOLDER     (SOURCE_ROOT holds gan_lab/)
# e.g. `git archive OLD gan_lab | tar -x -C /tmp/old`, then run this once for /tmp/old and once for
# the worktree, then `python scripts/compare_runs.py /tmp/runs_old /tmp/runs_new mlp mlp_var ...`.
set -u
src=$1 out=$2
mkdir -p "$out"
run() {
    name=$1; shift
    [ "${1:-}" = --resume ] || rm -rf "${out:?}/$name"
    (cd "$out" && PYTHONPATH=$src OMP_NUM_THREADS=1 MPLBACKEND=Agg TQDM_DISABLE=1 nice -n 10 \
        python -m gan_lab train --num-threads 1 --device cpu --dataset sample --out "$out/$name" "$@" >> "$out/$name.log" 2>&1)
    echo "$name rc=$?"
}
run mlp --model mlp --epochs 3 --seed 0 --ema 0 --real-label 1.0
run mlp_var --model mlp --epochs 3 --seed 0 --ema 0.999 --real-label 0.9 --augment translation,cutout --lr-d 4e-4
run conv64 --model conv64 --epochs 1 --seed 0 --max-samples 512
run dcgan --model dcgan --epochs 1 --seed 0 --max-samples 256 --ema 0.99
run mlp_ls --model mlp --epochs 2 --seed 3 --ema 0 --real-label 1.0 --loss saturating --max-samples 1000 --batch-size 32
# the mlp_var run again, stopped after epoch 1 and continued with --resume to epoch 3
run mlp_var_res --model mlp --epochs 1 --seed 0 --ema 0.999 --real-label 0.9 --augment translation,cutout --lr-d 4e-4
run mlp_var_res --resume --epochs 3
# evaluation and sampling of the mlp_var run (its moving average): metrics, figures, truncated samples
(cd "$out" && PYTHONPATH=$src OMP_NUM_THREADS=1 MPLBACKEND=Agg nice -n 10 python -m gan_lab evaluate \
    --checkpoint "$out/mlp_var/checkpoint.pt" --n 600 --kid-subsets 10 --kid-subset-size 200 --num-threads 1 \
    --device cpu --figures "$out/mlp_var/figures" --stages "$out/mlp_l?/checkpoint.pt" \
    --out "$out/mlp_var/evaluation.json" > "$out/evaluate.log" 2>&1)
echo "evaluate rc=$?"
(cd "$out" && PYTHONPATH=$src OMP_NUM_THREADS=1 nice -n 10 python -m gan_lab sample --checkpoint "$out/mlp_var/checkpoint.pt" \
    --n 16 --truncation 0.7 --out "$out/mlp_var/figures/grid.png" --npz "$out/mlp_var/sample.npz" >> "$out/evaluate.log" 2>&1)
echo "sample rc=$?"
