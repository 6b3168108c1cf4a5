using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prospector.Data;

namespace Prospector.Hosting;

/// <summary>Ready means the database answers: a load balancer sends no traffic to an instance that cannot reach it.</summary>
internal sealed class DatabaseHealthCheck(ProspectorDb db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        await db.Database.CanConnectAsync(ct) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The database cannot be reached.");
}
