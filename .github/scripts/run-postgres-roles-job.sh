#!/usr/bin/env bash
# Start the platform's PostgreSQL roles job now and wait for it, so that an app added in this deploy can sign in to
# PostgreSQL at once instead of after the job's next hourly run. Azure creates Entra database roles inside
# PostgreSQL, not through ARM; the job (components/postgres.py, PostgresPrincipals) does it as the server's Entra
# administrator, from inside the VNet.
#
# Inputs (environment): JOB, the postgresRolesJob stack output (empty or "null" when the stack has no PostgreSQL),
# and GROUP, the resourceGroupName output. Needs an Azure CLI login (azure/login) with rights to start the job.
#
# Commands: https://learn.microsoft.com/cli/azure/containerapp/job#az-containerapp-job-start and
# https://learn.microsoft.com/cli/azure/containerapp/job/execution#az-containerapp-job-execution-show
set -euo pipefail

if [ -z "${JOB:-}" ] || [ "$JOB" = "null" ]; then
  echo "No PostgreSQL in this stack: no roles job to run."
  exit 0
fi
: "${GROUP:?GROUP (the resourceGroupName output) is required}"

az extension add --name containerapp --upgrade --only-show-errors
execution="$(az containerapp job start --name "$JOB" --resource-group "$GROUP" --query name --output tsv)"
echo "Started $JOB execution $execution"

# The job's replica timeout is 300 s; wait a little longer than that, polling every 10 s.
for _ in $(seq 1 36); do
  status="$(az containerapp job execution show --name "$JOB" --resource-group "$GROUP" \
    --job-execution-name "$execution" --query properties.status --output tsv)"
  case "$status" in
    Succeeded)
      echo "$JOB execution $execution succeeded."
      exit 0
      ;;
    Failed | Stopped | Degraded)
      echo "::error::$JOB execution $execution ended $status; see its logs in the Log Analytics workspace (table ContainerAppConsoleLogs)."
      exit 1
      ;;
  esac
  sleep 10
done
echo "::error::$JOB execution $execution did not finish within 6 minutes (last status: $status)."
exit 1
