#!/usr/bin/env python3
"""Cuts a fuzz corpus to a byte budget for the repository: the seeds first
(those up to 200 KB), then, greedily, the inputs that add the most libFuzzer
features per byte, until the budget is spent.

The features come from libFuzzer itself: a merge run (-merge=1) with a
control file, which lists the features each input reaches.

  python3 pick_corpus.py BINARY BUDGET OUT SEEDS CORPUS...

BINARY is the built fuzz target (cargo fuzz build; under
target/x86_64-unknown-linux-gnu/release/), OUT an empty or absent folder.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

SEED_LIMIT = 200_000
# What one more file costs beyond its bytes: favours a few rich inputs over
# hundreds of tiny ones.
FILE_COST = 4096


def merge_features(binary, inputs):
    """The input files in libFuzzer's order and the features of each."""
    with tempfile.TemporaryDirectory() as work:
        control = os.path.join(work, "control")
        os.mkdir(os.path.join(work, "out"))
        subprocess.run(
            [binary, "-merge=1", f"-merge_control_file={control}", "-rss_limit_mb=2048",
             "-timeout=10", "-max_len=1048576", os.path.join(work, "out"), *inputs],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        lines = open(control).read().split("\n")
    count = int(lines[0])
    files = lines[2:2 + count]
    features = {}
    for line in lines[2 + count:]:
        parts = line.split()
        if parts and parts[0] == "FT":
            features[int(parts[1])] = set(map(int, parts[2:]))
    return files, features


def main():
    binary, budget, out, seeds, *corpora = sys.argv[1:]
    budget = int(budget)
    files, features = merge_features(binary, [seeds, *corpora])
    seeds = os.path.abspath(seeds)
    chosen, covered, seen, used = [], set(), set(), 0

    def take(index):
        nonlocal used
        data = open(files[index], "rb").read()
        digest = hashlib.sha1(data).hexdigest()
        if digest not in seen:
            seen.add(digest)
            chosen.append((index, digest))
            covered.update(features.get(index, ()))
            used += len(data)

    is_seed = [os.path.abspath(f).startswith(seeds + os.sep) for f in files]
    for index, file in enumerate(files):
        if is_seed[index] and os.path.getsize(file) <= SEED_LIMIT:
            take(index)
    candidates = set(range(len(files))) - {index for index, _ in chosen}
    while True:
        best, best_score = None, 0.0
        for index in candidates:
            size = os.path.getsize(files[index])
            gain = len(features.get(index, set()) - covered)
            score = gain / (size + FILE_COST)
            if used + size <= budget and gain and score > best_score:
                best, best_score = index, score
        if best is None:
            break
        candidates.remove(best)
        take(best)
    os.makedirs(out, exist_ok=True)
    for index, digest in chosen:
        name = os.path.basename(files[index]) if is_seed[index] else digest
        shutil.copy(files[index], os.path.join(out, name))
    every = set().union(*features.values()) if features else set()
    print(f"{len(chosen)} files, {used} bytes, {len(covered)} of {len(every)} features")


if __name__ == "__main__":
    main()
