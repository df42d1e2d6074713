#!/usr/bin/env bash
# Start each of the platform's post-deploy jobs now and wait for it, one after another. They are Container Apps jobs
# that do inside the VNet what ARM cannot: today the PostgreSQL roles job, which creates the apps' Entra roles inside
# PostgreSQL as the server's Entra administrator (components/postgres.py, PostgresPrincipals), so that an app added
# in this deploy can sign in at once instead of after the job's next scheduled run. A component that needs such a
# step adds its job to the postDeployJobs output; this script and the deploy workflow stay as they are.
#
# Inputs (environment): JOBS, the postDeployJobs stack output (a JSON array of job names; empty, "null" or "[]"
# when there is none), and GROUP, the resourceGroupName output. Needs an Azure CLI login (azure/login) with rights
# to start the jobs.
#
# Commands: https://learn.microsoft.com/cli/azure/containerapp/job#az-containerapp-job-start and
# https://learn.microsoft.com/cli/azure/containerapp/job/execution#az-containerapp-job-execution-show
set -euo pipefail

if [ -z "${JOBS:-}" ] || [ "$JOBS" = "null" ]; then
  JOBS="[]"
fi
mapfile -t names < <(jq -r '.[]' <<<"$JOBS")
if [ "${#names[@]}" -eq 0 ]; then
  echo "No post-deploy job in this stack."
  exit 0
fi
: "${GROUP:?GROUP (the resourceGroupName output) is required}"

az extension add --name containerapp --upgrade --only-show-errors

run() {
  local job="$1" execution status=""
  execution="$(az containerapp job start --name "$job" --resource-group "$GROUP" --query name --output tsv)"
  echo "Started $job execution $execution"
  # A job's replica timeout is 300 s; wait a little longer than that, polling every 10 s.
  for _ in $(seq 1 36); do
    status="$(az containerapp job execution show --name "$job" --resource-group "$GROUP" \
      --job-execution-name "$execution" --query properties.status --output tsv)"
    case "$status" in
      Succeeded)
        echo "$job execution $execution succeeded."
        return 0
        ;;
      Failed | Stopped | Degraded)
        echo "::error::$job execution $execution ended $status; see its logs in the Log Analytics workspace (table ContainerAppConsoleLogs)."
        return 1
        ;;
    esac
    sleep 10
  done
  echo "::error::$job execution $execution did not finish within 6 minutes (last status: $status)."
  return 1
}

for job in "${names[@]}"; do
  run "$job"
done
