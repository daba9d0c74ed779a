#!/usr/bin/env bash
# Submits the job array and the merge that waits for all of its tasks to succeed.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p out
array=$(sbatch --parsable scoreml-shards.sbatch)
sbatch --dependency=afterok:"${array%%;*}" scoreml-merge.sbatch
